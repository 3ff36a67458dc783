namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>The <c>ClientRegistry</c> settings (README, Configuration).</summary>
internal sealed class ClientRegistryOptions
{
    public const string SectionName = "ClientRegistry";

    /// <summary>When false, Patients are stored as they come: no matching, no golden records.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A JSON rule file used while no <c>Binary/patient-match-rules</c> is stored; the built-in rules when empty.</summary>
    public string? RulesFile { get; set; }

    /// <summary>How long a process keeps the stored rules before looking for a newer version; a write of the rules in this process applies at once.</summary>
    public TimeSpan RulesRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the value frequencies of frequency-adjusted fields are counted again from the registry.</summary>
    public TimeSpan FrequencyRefresh { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Which source gives a golden record's elements unless <see cref="Elements"/> says otherwise.</summary>
    public Survivorship Survivorship { get; set; } = Survivorship.MostRecent;

    /// <summary>Survivorship per Patient element (name, gender, birthDate, telecom, address, deceased, maritalStatus, communication).</summary>
    public Dictionary<string, Survivorship> Elements { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Identifier systems of source systems, most trusted first, for <see cref="Survivorship.MostTrusted"/>.</summary>
    public List<string> TrustedSystems { get; set; } = [];

    /// <summary>How many prepared source records matching keeps in memory between requests (<see cref="PreparedSources"/>); 0 keeps none.</summary>
    public int PreparedSourcesCapacity { get; set; } = 100_000;

    /// <summary>How many golden records <c>Patient/$match</c> returns when the request gives no <c>count</c>.</summary>
    public int MatchCount { get; set; } = 10;
}
