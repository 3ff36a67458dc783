namespace FhirMh.FhirServer.Rest;

internal enum ResourceFormat
{
    Json,
    Xml,
}
