namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>How a source record came to belong to its golden record.</summary>
internal static class LinkMethods
{
    /// <summary>Matching scored it at or above the upper threshold against the golden record's sources.</summary>
    public const string Auto = "auto";

    /// <summary>Nothing matched with certainty: the golden record was made for this source.</summary>
    public const string New = "new";

    /// <summary>Registry staff linked it; matching leaves it where it is until staff decide otherwise.</summary>
    public const string Manual = "manual";
}
