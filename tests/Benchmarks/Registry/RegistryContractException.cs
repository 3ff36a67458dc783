namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// The server does not do what the client registry's REST contract says (an operation missing,
/// Patients stored without registry tags or golden links, a request that timed out): the
/// benchmark stops with this rather than measuring a server that is not a registry.
/// </summary>
internal sealed class RegistryContractException(string message, Exception? innerException = null) : Exception(message, innerException);
