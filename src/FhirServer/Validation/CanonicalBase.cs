namespace FhirMh.FhirServer.Validation;

/// <summary>
/// The base of the canonical URLs of the project's own artefacts (profiles, code systems, value
/// sets, questionnaires, operation definitions), from the <c>CanonicalBase</c> setting. The
/// profiles/ package is written with the default, and rewritten to this base when it is loaded.
/// </summary>
internal sealed record CanonicalBase(string Value)
{
    public const string SettingName = "CanonicalBase";

    public const string Default = "https://fhirmh.org/fhir";

    public static CanonicalBase From(IConfiguration configuration)
    {
        var value = configuration[SettingName];
        if (string.IsNullOrWhiteSpace(value))
        {
            return new CanonicalBase(Default);
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{SettingName} '{value}' is not an absolute URL.");
        }

        return new CanonicalBase(value.TrimEnd('/'));
    }

    /// <summary>The canonical of one of the project's artefacts, e.g. <c>StructureDefinition/mh-patient</c>.</summary>
    public string Of(string relative) => $"{Value}/{relative}";

    /// <summary>
    /// The text of an artefact written under <paramref name="writtenBase"/> (a package's canonical,
    /// or <see cref="Default"/>) with every occurrence of that base replaced by this one, so that
    /// references between artefacts follow it too.
    /// </summary>
    public string Rebase(string text, string writtenBase)
    {
        var from = writtenBase.TrimEnd('/') + "/";
        var to = Value + "/";
        return from == to ? text : text.Replace(from, to, StringComparison.Ordinal);
    }
}
