using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.Validate;

/// <summary>
/// The inputs of $validate: from a Parameters body (<c>resource</c>, <c>mode</c>, <c>profile</c>),
/// from the resource posted as the body itself, and from the query.
/// </summary>
internal sealed record ValidateInput(Resource? Resource, ValidateMode Mode, string? Profile)
{
    public static ValidateInput From(FhirRequest request)
    {
        var body = request.Resource;
        Resource? resource = body;
        string? mode = request.Parameter("mode");
        string? profile = request.Parameter("profile");
        if (body is Parameters parameters && request.ResourceType != "Parameters")
        {
            resource = parameters.GetSingle("resource")?.Resource;
            mode = (parameters.GetSingleValue<Code>("mode")?.Value) ?? mode;
            profile = parameters.GetSingleValue<FhirUri>("profile")?.Value
                ?? parameters.GetSingleValue<Canonical>("profile")?.Value
                ?? profile;
        }

        var parsedMode = mode switch
        {
            null or "" => profile is null ? ValidateMode.None : ValidateMode.Profile,
            "create" => ValidateMode.Create,
            "update" => ValidateMode.Update,
            "delete" => ValidateMode.Delete,
            "profile" => ValidateMode.Profile,
            _ => throw FhirException.BadRequest($"mode '{mode}' is not one of create, update, delete, profile (resource-operation-validate.html).", "mode"),
        };
        if (parsedMode == ValidateMode.Profile && string.IsNullOrEmpty(profile))
        {
            throw FhirException.BadRequest("mode=profile needs a 'profile' parameter.", "profile");
        }

        return new ValidateInput(resource, parsedMode, profile);
    }
}
