namespace FhirMh.FhirServer.Rest;

/// <summary>The <c>Prefer: return=</c> choices of http.html#ops.</summary>
internal enum PreferReturn
{
    Representation,
    Minimal,
    OperationOutcome,
}
