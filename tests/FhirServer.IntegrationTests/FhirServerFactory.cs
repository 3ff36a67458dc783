using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>The real server and its whole HTTP pipeline, on the given storage.</summary>
internal sealed class FhirServerFactory(string provider, string connectionString)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:Provider", provider);
        builder.UseSetting("Storage:ConnectionString", connectionString);
    }
}
