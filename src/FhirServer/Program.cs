using FhirMh.FhirServer.Hosting;

if (args is ["token", ..])
{
    // A client, not the server: asks a running server for a demo access token (README, Security).
    return await FhirMh.FhirServer.Security.DemoToken.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddFhirServer();
var app = builder.Build();
app.UseFhirServer();
await app.RunAsync();
return 0;

/// <summary>The entry point; public so that integration tests can host it.</summary>
public partial class Program;
