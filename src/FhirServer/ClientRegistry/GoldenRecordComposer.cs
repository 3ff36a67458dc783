using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// Builds a golden record from its source records: each demographic element comes whole from one
/// source, chosen by the element's survivorship rule (<see cref="Survivorship"/>), so a golden
/// record never mixes, say, the given name of one source with the family name of another. It links
/// to every source (<c>Patient.link</c> type seealso, patient.html#links).
/// </summary>
internal sealed class GoldenRecordComposer(IOptions<ClientRegistryOptions> options, RegistryTags tags)
{
    private static readonly GoldenElement[] Elements =
    [
        new("name", p => p.Name, (g, s) => g.Name = Copy(s.Name)),
        new("gender", p => p.GenderElement is null ? [] : [p.GenderElement], (g, s) => g.GenderElement = Copy(s.GenderElement)),
        new("birthDate", p => p.BirthDateElement is null ? [] : [p.BirthDateElement], (g, s) => g.BirthDateElement = Copy(s.BirthDateElement)),
        new("telecom", p => p.Telecom, (g, s) => g.Telecom = Copy(s.Telecom)),
        new("address", p => p.Address, (g, s) => g.Address = Copy(s.Address)),
        new("deceased", p => p.Deceased is null ? [] : [p.Deceased], (g, s) => g.Deceased = Copy(s.Deceased)),
        new("maritalStatus", p => p.MaritalStatus is null ? [] : [p.MaritalStatus], (g, s) => g.MaritalStatus = Copy(s.MaritalStatus)),
        new("communication", p => p.Communication, (g, s) => g.Communication = Copy(s.Communication)),
    ];

    public Patient Compose(string goldenId, IReadOnlyList<SourcePatient> sources)
    {
        var golden = new Patient { Id = goldenId, Active = true };
        tags.Set(golden, RegistryTags.GoldenRecord, isOn: true);
        var settings = options.Value;
        foreach (var element in Elements)
        {
            var rule = settings.Elements.GetValueOrDefault(element.Name, settings.Survivorship);
            var having = sources.Where(s => element.Values(s.Patient).Count > 0).ToList();
            if (Choose(rule, having, element, settings.TrustedSystems) is { } chosen)
            {
                element.Set(golden, chosen.Patient);
            }
        }

        golden.Link = sources
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new Patient.LinkComponent { Type = Patient.LinkType.Seealso, Other = new ResourceReference($"Patient/{s.Id}") })
            .ToList();
        return golden;
    }

    private static SourcePatient? Choose(Survivorship rule, List<SourcePatient> having, GoldenElement element, List<string> trusted)
    {
        if (having.Count == 0)
        {
            return null;
        }

        // Every rule falls back to recency, and then to the id, so the choice is deterministic.
        var byRecency = having.OrderByDescending(s => s.LastUpdated).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        return rule switch
        {
            Survivorship.MostTrusted => byRecency.OrderBy(s => Rank(s, trusted)).First(),
            Survivorship.MostFrequent => byRecency
                .OrderByDescending(s => having.Count(other => SameValues(element.Values(s.Patient), element.Values(other.Patient))))
                .First(),
            _ => byRecency[0],
        };
    }

    private static int Rank(SourcePatient source, List<string> trusted)
    {
        var ranks = source.Systems.Select(system => trusted.IndexOf(system)).Where(i => i >= 0).ToList();
        return ranks.Count > 0 ? ranks.Min() : int.MaxValue;
    }

    private static bool SameValues(IReadOnlyList<Base> left, IReadOnlyList<Base> right) =>
        left.Count == right.Count && left.Zip(right).All(pair => pair.First.IsExactly(pair.Second));

    private static T? Copy<T>(T? value)
        where T : Base => (T?)value?.DeepCopy();

    private static List<T> Copy<T>(List<T> values)
        where T : Base => values.Select(v => (T)v.DeepCopy()).ToList();

    private sealed record GoldenElement(string Name, Func<Patient, IReadOnlyList<Base>> Values, Action<Patient, Patient> Set);
}
