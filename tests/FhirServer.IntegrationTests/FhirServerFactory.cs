using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>The real server and its whole HTTP pipeline, on the given storage, with optional extra settings.</summary>
internal sealed class FhirServerFactory(string provider, string connectionString, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Provider", provider);
        builder.UseSetting("Storage:ConnectionString", connectionString);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}
