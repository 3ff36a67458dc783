using FhirMh.FhirServer.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddFhirServer();
var app = builder.Build();
app.UseFhirServer();
app.Run();

/// <summary>The entry point; public so that integration tests can host it.</summary>
public partial class Program;
