
namespace FhirMh.FhirServer.Storage;

/// <summary>One page of history, at system, type or instance level (http.html#history).</summary>
internal sealed record HistoryQuery(string? ResourceType, string? ResourceId, Instant? Since, int Count, HistoryPage? Page);
