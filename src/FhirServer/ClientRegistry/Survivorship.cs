namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>Which source record gives a golden record one of its elements.</summary>
internal enum Survivorship
{
    /// <summary>The source updated most recently that has the element.</summary>
    MostRecent,

    /// <summary>The source from the most trusted system (<see cref="ClientRegistryOptions.TrustedSystems"/>, first is most trusted); ties go to the most recent.</summary>
    MostTrusted,

    /// <summary>The value most sources agree on; ties go to the most recent.</summary>
    MostFrequent,
}
