namespace FhirMh.FhirServer.Search.Parameters;

/// <summary>
/// Search parameters of type special (search.html#special) that the server supports. Their
/// values are not FHIRPath results of one type, so each has an index of its own.
/// </summary>
internal enum SpecialSearch
{
    None = 0,

    /// <summary>Location <c>near</c>: latitude|longitude|distance|units, by great-circle distance.</summary>
    Near,

    /// <summary><c>open-at</c>: open at a wall-clock time (availableTime), and in effect then.</summary>
    OpenAt,

    /// <summary><c>in-effect</c>: within the role's period (if any) and not in a notAvailable period.</summary>
    InEffect,
}
