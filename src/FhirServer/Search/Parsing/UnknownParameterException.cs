namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>A parameter, modifier or chain the server does not know for the type: ignored unless handling is strict.</summary>
internal sealed class UnknownParameterException(string message) : Exception(message);
