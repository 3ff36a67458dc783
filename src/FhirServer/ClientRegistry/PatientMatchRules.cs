using System.Text;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using FhirMh.Registries.ClientRegistry;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// The patient matching rules in force. They are data: a JSON document stored as
/// <c>Binary/patient-match-rules</c>, so that every version is kept in its history, and written
/// by staff (PUT) or by <c>Patient/$estimate-weights</c>. While none is stored, the file of
/// <see cref="ClientRegistryOptions.RulesFile"/> or the built-in rules apply. A process looks for
/// a newer stored version at most every <see cref="ClientRegistryOptions.RulesRefresh"/>, and at
/// once after writing one itself: rules reload without a restart.
/// </summary>
internal sealed partial class PatientMatchRules(
    IOptions<ClientRegistryOptions> options,
    MatchFrequencies frequencies,
    IClock clock,
    FhirSerializers serializers,
    ILogger<PatientMatchRules> logger)
{
    public const string BinaryId = "patient-match-rules";

    public const string ContentType = "application/json";

    private readonly Lazy<MatchRuleSet> _fallback = new(() => MatchRuleSet.Parse(
        options.Value.RulesFile is { Length: > 0 } file ? File.ReadAllText(file) : DefaultRules.PatientJson));

    private Cached? _cached;

    /// <summary>The rules in force (read from storage at most every refresh interval), with the latest value frequencies.</summary>
    public async ValueTask<MatchRuleSet> CurrentAsync(FhirDbContext db, CancellationToken cancellationToken) =>
        frequencies.Apply(await StoredOrDefaultAsync(db, cancellationToken));

    private async ValueTask<MatchRuleSet> StoredOrDefaultAsync(FhirDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        var cached = Volatile.Read(ref _cached);
        if (cached is not null && now < cached.Until)
        {
            return cached.Rules;
        }

        var stored = await CurrentVersionReader.ReadAsync(db, "Binary", BinaryId, cancellationToken);
        MatchRuleSet rules;
        if (stored is not { IsDeleted: false, Json: { } json })
        {
            rules = _fallback.Value;
        }
        else if (cached?.StoredVersion == stored.VersionId)
        {
            rules = cached.Rules;
        }
        else
        {
            try
            {
                rules = MatchRuleSet.Parse(JsonOf((Binary)serializers.ParseJson(json)));
            }
            catch (MatchRuleException e)
            {
                // Writes are checked (WritePipeline), so only rules stored by an older version get here.
                LogUnusableRules(logger, stored.VersionId, e.Message);
                rules = _fallback.Value;
            }
        }

        Volatile.Write(ref _cached, new Cached(rules, now + NodaTime.Duration.FromTimeSpan(options.Value.RulesRefresh), stored?.VersionId));
        return rules;
    }

    /// <summary>Drops the cached rules: the next use reads the stored ones.</summary>
    public void Forget() => Volatile.Write(ref _cached, null);

    public static bool IsRules(Resource resource) => resource is Binary { Id: BinaryId };

    /// <summary>The longest rule version: links record it (<see cref="RegistryRecordRow.RuleVersion"/>).</summary>
    public const int MaxVersionLength = 64;

    /// <summary>Checks rules about to be stored.</summary>
    /// <exception cref="MatchRuleException">They cannot be used; the message says why.</exception>
    public static MatchRuleSet Check(Binary binary)
    {
        if (binary.ContentType != ContentType)
        {
            throw new MatchRuleException($"Binary/{BinaryId} holds JSON rules: its contentType is {ContentType}, not '{binary.ContentType}'.");
        }

        var rules = MatchRuleSet.Parse(JsonOf(binary));
        return rules.Version.Length <= MaxVersionLength
            ? rules
            : throw new MatchRuleException($"version is {rules.Version.Length} characters long; at most {MaxVersionLength}.");
    }

    /// <summary>
    /// New rules for a registry that holds records must read and key records as the current ones
    /// do: the stored values and blocking keys of every source were made by them, and records keyed
    /// otherwise would no longer find each other. Levels, m, u, text measures, thresholds and the cap may change.
    /// </summary>
    /// <exception cref="MatchRuleException">A field's name, path or comparison, or a blocking pass, differs.</exception>
    public static void CheckKeysUnchanged(MatchRuleSet current, MatchRuleSet next)
    {
        // A text field's measure only scores pairs: it neither reads nor keys a record, so it may change.
        static string Fields(MatchRuleSet rules) => string.Join(";", rules.Rules.Fields.Select(f => $"{f.Name}|{f.Path}|{f.Comparator}|{f.SwapWith}|{f.Digits}"));
        static string Passes(MatchRuleSet rules) => string.Join(";", rules.Rules.Blocking.Select(p => p.Name + ":" + string.Join(",", p.Keys.Select(k => $"{k.Field}/{k.Transform}/{k.Length}"))));
        if (Fields(current) != Fields(next))
        {
            throw new MatchRuleException("fields differ from the rules in force (name, path or comparison): the registry's records were read with those; only levels, m, u, a text field's measure and frequency adjustment may change while it holds records.");
        }

        if (Passes(current) != Passes(next))
        {
            throw new MatchRuleException("blocking differs from the rules in force: the registry's records were keyed with it; only levels, m, u, thresholds and blockSizeCap may change while it holds records.");
        }
    }

    public static string JsonOf(Binary binary) => binary.Data is { } data ? Encoding.UTF8.GetString(data) : string.Empty;

    public static Binary ToBinary(string json) => new()
    {
        Id = BinaryId,
        ContentType = ContentType,
        Data = Encoding.UTF8.GetBytes(json),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Binary/patient-match-rules version {Version} cannot be used ({Problem}); the default rules apply")]
    private static partial void LogUnusableRules(ILogger logger, int version, string problem);

    private sealed record Cached(MatchRuleSet Rules, Instant Until, int? StoredVersion);
}
