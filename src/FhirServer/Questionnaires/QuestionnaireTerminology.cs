using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>Answer value sets and code systems, from the packages, the specification and what clients stored.</summary>
internal sealed class QuestionnaireTerminology(ConformanceResolver resolver) : IQuestionnaireTerminology
{
    public Task<ValueSet?> FindValueSetAsync(string canonical, CancellationToken cancellationToken) => FindAsync<ValueSet>(canonical, cancellationToken);

    public Task<CodeSystem?> FindCodeSystemAsync(string canonical, CancellationToken cancellationToken) => FindAsync<CodeSystem>(canonical, cancellationToken);

    private Task<T?> FindAsync<T>(string canonical, CancellationToken cancellationToken)
        where T : Resource
    {
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        return bar < 0
            ? resolver.FindAsync<T>(canonical, null, cancellationToken)
            : resolver.FindAsync<T>(canonical[..bar], canonical[(bar + 1)..], cancellationToken);
    }
}
