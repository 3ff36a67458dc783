using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Questionnaires;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Operations.Extract;

/// <summary>
/// <c>QuestionnaireResponse/$extract</c> and <c>QuestionnaireResponse/[id]/$extract</c> (SDC
/// observation-based extraction): the Observations a write of the response would store, as a
/// transaction Bundle, without storing anything. The response is checked and scored first, as
/// on a write.
/// </summary>
internal sealed class ExtractOperation(ResponseWrites responses, ScoreObservations observations, ResourceStore store, FhirSerializers serializers) : IFhirOperation
{
    public const string Name = "extract";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var response = request.Resource switch
        {
            QuestionnaireResponse given => given,
            Parameters parameters => parameters.GetSingle("questionnaire-response")?.Resource as QuestionnaireResponse
                ?? throw FhirException.BadRequest("$extract takes the QuestionnaireResponse in the parameter 'questionnaire-response'.", "questionnaire-response"),
            null when request.Id is { } id => (QuestionnaireResponse)await StoredResources.ReadAsync(store, serializers, "QuestionnaireResponse", id, cancellationToken),
            null => throw FhirException.BadRequest("$extract needs a QuestionnaireResponse: the body, or [id]/$extract for a stored one.", "questionnaire-response"),
            var other => throw FhirException.BadRequest($"$extract takes a QuestionnaireResponse, not a {other.TypeName}.", "questionnaire-response"),
        };

        var prepared = await responses.PrepareAsync(response, cancellationToken);
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        foreach (var observation in observations.Build(prepared, request.Id ?? (string.IsNullOrEmpty(response.Id) ? null : response.Id)))
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{Guid.NewGuid()}",
                Resource = observation,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Observation" },
            });
        }

        return FhirResponse.Of(StatusCodes.Status200OK, bundle);
    }
}
