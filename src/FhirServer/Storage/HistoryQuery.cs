namespace FhirMh.FhirServer.Storage;

/// <summary>
/// One page of history, at system, type or instance level (http.html#history): the versions with
/// <paramref name="Since"/> &lt;= lastUpdated &lt; <paramref name="Horizon"/>, from the page position on.
/// </summary>
/// <param name="ResourceType">The type, or null for system history.</param>
/// <param name="ResourceId">The id, or null for type and system history.</param>
/// <param name="Since">The inclusive lower bound, <c>_since</c>.</param>
/// <param name="Horizon">The exclusive upper bound, from <see cref="HistoryReader.HorizonAsync"/>.</param>
/// <param name="Count">The page size.</param>
/// <param name="Page">Where the page starts, or null for the newest versions.</param>
/// <param name="Visible">The current rows whose versions the caller may see, or null for all: hidden resources are left out before paging.</param>
internal sealed record HistoryQuery(string? ResourceType, string? ResourceId, Instant? Since, Instant Horizon, int Count, HistoryPage? Page, IQueryable<ResourceRow>? Visible = null);
