namespace FhirMh.FhirServer.Seeding;

/// <summary>A seed that cannot be read; the server does not start without its seeds.</summary>
internal sealed class SeedException(string message, Exception? inner = null) : Exception(message, inner);
