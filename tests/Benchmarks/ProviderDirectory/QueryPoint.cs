namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// What one request of a query is drawn from: where the referrer is, the local date and time the
/// client should be seen at, and a number that picks a practitioner or service.
/// </summary>
internal sealed record QueryPoint(double Latitude, double Longitude, DateTime OpenAt, int Pick);
