namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// A city of the synthetic country: its centre, how many of the country's sites it draws
/// (<c>Weight</c>, relative) and how far they spread around it (the standard deviation, in km).
/// </summary>
internal sealed record City(string Name, double Latitude, double Longitude, int Weight, double SpreadKm);
