using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// The real server and its whole HTTP pipeline, on the given storage, with optional extra settings.
/// The client registry is off unless the settings turn it on: the tests of plain FHIR behaviour use
/// Patients as ordinary resources, and with it on every Patient they create would gain a golden
/// record that their searches also find. The registry's tests turn it on (RegistryFixtures). The
/// provider registry is off too: plain tests reuse identifiers and refer to resources they never made.
/// </summary>
internal sealed class FhirServerFactory(string provider, string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Provider", provider);
        builder.UseSetting("Storage:ConnectionString", connectionString);
        builder.UseSetting("ClientRegistry:Enabled", "false");
        builder.UseSetting("ProviderRegistry:Enabled", "false");
        builder.UseSetting("Security:Enabled", "false");

        // Sorted searches walk one date index row for each match their page needs (DateSortPage), then
        // rank the rest: with a handful of test resources, pages go through the walk, the ranking
        // after it and the resources without a value, and must keep the order ranking alone gives.
        builder.UseSetting("Search:DateSortWalk", "1");

        // Searches with several criteria check three candidates of their smallest criterion one by
        // one (RowIdWalk), then leave the rest of the page to the planner: every such search of the
        // suite runs through both, and must find what the planner alone found.
        builder.UseSetting("Search:RowIdWalkBudget", "3");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}
