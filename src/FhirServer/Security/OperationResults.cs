using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Search;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// What an operation returns passes the same access rules as a read: resources in a Bundle or
/// a Parameters, and references in a Parameters, to resources the caller may not see are left out.
/// </summary>
internal sealed class OperationResults(AccessChecks checks, CallerContext caller)
{
    public async Task<FhirResponse> FilterAsync(FhirResponse response, CancellationToken cancellationToken)
    {
        if (caller.Current.IsUnrestricted)
        {
            return response;
        }

        if (response.Searchset is { } searchset)
        {
            var named = searchset.Entries.Select(e => (Entry: e, Name: Local(e.FullUrl))).ToList();
            var hidden = await checks.HiddenAsync(named.Where(n => n.Name is not null).Select(n => n.Name!.Value), cancellationToken);
            return hidden.Count == 0
                ? response
                : response with { Searchset = searchset with { Entries = named.Where(n => n.Name is not { } name || !hidden.Contains($"{name.Type}/{name.Id}")).Select(n => n.Entry).ToList() } };
        }

        switch (response.Resource)
        {
            case Bundle bundle:
            {
                var hidden = await checks.HiddenAsync(bundle.Entry.Select(e => e.Resource).OfType<Resource>().Where(r => r.Id is not null).Select(r => (r.TypeName, r.Id!)), cancellationToken);
                bundle.Entry.RemoveAll(e => e.Resource?.Id is not null && hidden.Contains($"{e.Resource.TypeName}/{e.Resource.Id}"));
                break;
            }

            case Parameters parameters:
            {
                var named = parameters.Parameter.Select(p => (Parameter: p, Name: Named(p))).ToList();
                var hidden = await checks.HiddenAsync(named.Where(n => n.Name is not null).Select(n => n.Name!.Value), cancellationToken);
                parameters.Parameter.RemoveAll(p => Named(p) is { } name && hidden.Contains($"{name.Type}/{name.Id}"));
                break;
            }
        }

        return response;
    }

    private (string Type, string Id)? Named(Parameters.ParameterComponent parameter) => parameter switch
    {
        { Resource: { Id: not null } resource } => (resource.TypeName, resource.Id),
        { Value: ResourceReference { Reference: { } reference } } => Local(reference),
        _ => null,
    };

    /// <summary>The type and id of a reference or full URL to a resource of this server.</summary>
    private (string Type, string Id)? Local(string reference)
    {
        var relative = reference.StartsWith(caller.BaseUrl + "/", StringComparison.Ordinal) ? reference[(caller.BaseUrl.Length + 1)..] : reference;
        return ReferenceValue.Parse(relative) is { TargetType: { } type, TargetId: { } id } ? (type, id) : null;
    }
}
