using FhirMh.FhirServer.Questionnaires;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Tests.Questionnaires;

/// <summary>Value sets and code systems by canonical URL, held in memory.</summary>
internal sealed class FakeTerminology(params Resource[] resources) : IQuestionnaireTerminology
{
    public Task<ValueSet?> FindValueSetAsync(string canonical, CancellationToken cancellationToken) =>
        Task.FromResult(resources.OfType<ValueSet>().FirstOrDefault(v => v.Url == canonical));

    public Task<CodeSystem?> FindCodeSystemAsync(string canonical, CancellationToken cancellationToken) =>
        Task.FromResult(resources.OfType<CodeSystem>().FirstOrDefault(c => c.Url == canonical));
}
