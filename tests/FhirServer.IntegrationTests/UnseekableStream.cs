namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>A body stream of unknown length, so the request carries no Content-Length.</summary>
internal sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
{
    public override bool CanSeek => false;
}
