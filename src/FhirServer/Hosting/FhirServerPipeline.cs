using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;

namespace FhirMh.FhirServer.Hosting;

internal static class FhirServerPipeline
{
    public static WebApplication UseFhirServer(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { SuppressDiagnosticsCallback = _ => true });
        app.UseStatusCodePages(FhirExceptionHandler.WriteStatusOutcomeAsync);
        app.UseSwagger();
        app.UseSwaggerUI();

        app.MapGet("/healthz", () => Results.Text("alive")).WithTags("Operations").WithSummary("The process is alive.");
        app.MapGet("/readyz", async (FhirDbContext db, CancellationToken cancellationToken) =>
                await db.Database.CanConnectAsync(cancellationToken)
                    ? Results.Text("ready")
                    : Results.Text("database unreachable", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithTags("Operations")
            .WithSummary("The database is reachable.");
        Security.SmartConfiguration.Map(app);
        Security.TokenEndpoint.Map(app);
        app.MapFhirEndpoints();
        return app;
    }
}
