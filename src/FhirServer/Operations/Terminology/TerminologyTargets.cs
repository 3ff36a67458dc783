using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.Terminology;

/// <summary>
/// The ValueSet or CodeSystem a terminology operation works on: the stored one it is invoked on
/// (<c>[type]/[id]/$op</c>), one given in the parameters, or one found by canonical URL among the
/// loaded packages, the specification and the stored resources (<see cref="ConformanceResolver"/>).
/// Each is a copy the caller may change.
/// </summary>
internal sealed class TerminologyTargets(ResourceStore store, ConformanceResolver resolver, FhirSerializers serializers)
{
    /// <summary>The value set of <c>$expand</c> and <c>$validate-code</c> (valueset-operation-expand.html).</summary>
    /// <exception cref="FhirException">400 without one, 404 when it is not known, 410 when deleted.</exception>
    public async Task<ValueSet> ValueSetAsync(FhirRequest request, OperationInput input, CancellationToken cancellationToken)
    {
        if (request.Id is not null)
        {
            return await StoredAsync<ValueSet>(request, cancellationToken);
        }

        if (input.Resource<ValueSet>("valueSet") is { } given)
        {
            return given;
        }

        var url = OperationInput.Required(input.String("url"), "url", "the canonical URL of the value set, or a valueSet resource");
        var version = input.String("valueSetVersion");
        var found = await resolver.FindAsync<ValueSet>(url, version, cancellationToken)
            ?? throw FhirException.Of(
                StatusCodes.Status404NotFound,
                OperationOutcome.IssueType.NotFound,
                $"The value set {Canonical(url, version)} is not known to this server.",
                "url");
        return (ValueSet)found.DeepCopy();
    }

    /// <summary>
    /// The code system of <c>$lookup</c>, <c>$subsumes</c> and <c>$validate-code</c>: the stored
    /// one invoked on, or the one with canonical <paramref name="system"/>, named in the
    /// parameter <paramref name="parameter"/>.
    /// </summary>
    /// <exception cref="FhirException">400 without a system, 404 when it is not known, 410 when deleted.</exception>
    public async Task<CodeSystem> CodeSystemAsync(
        FhirRequest request, string? system, string? version, string parameter, CancellationToken cancellationToken)
    {
        if (request.Id is not null)
        {
            var stored = await StoredAsync<CodeSystem>(request, cancellationToken);
            if (system is not null && system != stored.Url)
            {
                throw FhirException.BadRequest($"CodeSystem/{request.Id} is {stored.Url}, not {system}.", parameter);
            }

            return stored;
        }

        var url = OperationInput.Required(system, parameter, "the canonical URL of the code system");
        var found = await resolver.FindAsync<CodeSystem>(url, version, cancellationToken)
            ?? throw FhirException.Of(
                StatusCodes.Status404NotFound,
                OperationOutcome.IssueType.NotFound,
                $"The code system {Canonical(url, version)} is not known to this server.",
                parameter);
        return (CodeSystem)found.DeepCopy();
    }

    private async Task<T> StoredAsync<T>(FhirRequest request, CancellationToken cancellationToken)
        where T : Resource
    {
        var type = request.ResourceType!;
        var id = request.Id!;
        var current = await store.ReadCurrentAsync(type, id, cancellationToken)
            ?? throw FhirException.NotFound($"{type}/{id} does not exist.");
        if (current.IsDeleted || current.Json is null)
        {
            throw FhirException.Gone($"{type}/{id} was deleted.");
        }

        return (T)serializers.ParseJson(current.Json);
    }

    private static string Canonical(string url, string? version) => version is null ? url : $"{url}|{version}";
}
