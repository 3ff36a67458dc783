using FhirMh.FhirServer.Search;

namespace FhirMh.FhirServer.Hosting;

/// <summary>
/// Reads the R4 CompartmentDefinitions from the SDK's specification archive in the background
/// at start-up (about 2 s), so the first compartment search or $everything does not pay for it.
/// A request that comes earlier waits for the same load.
/// </summary>
internal sealed class SearchWarmUp(CompartmentDefinitions compartments) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(() => compartments.ParametersOf("Patient", "Observation"), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
