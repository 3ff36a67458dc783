using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// The Observations a final response yields (SDC observation-based extraction): one for the total
/// score (category survey, the instrument's total code, the value, the severity band as
/// interpretation) and one per other item marked <c>sdc-questionnaire-observationExtract</c>.
/// Each has subject, effective = authored, performer = author and derivedFrom = the response.
/// An amended response updates the Observations it yielded before (status amended) rather than
/// adding new ones.
/// </summary>
internal sealed class ScoreObservations(ResourceStore store, FhirDbContext db, FhirSerializers serializers, IClock clock)
{
    public const string ObservationExtractUrl = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-observationExtract";

    /// <summary>
    /// The Observations for <paramref name="prepared"/>, derived from <c>QuestionnaireResponse/{responseId}</c>
    /// (no derivedFrom for a response that is not stored); nothing is stored.
    /// </summary>
    public List<Observation> Build(PreparedResponse prepared, string? responseId)
    {
        var observations = new List<Observation>();
        if (!prepared.IsFinal)
        {
            return observations;
        }

        var response = prepared.Response;
        if (prepared.Rule is { } rule && prepared.Total is { } total)
        {
            var observation = Base(response, responseId, new CodeableConcept(rule.System, rule.TotalCode, TotalText(prepared.Questionnaire, rule)));
            observation.Value = total == decimal.Truncate(total) ? new Integer((int)total) : new FhirDecimal(total);
            if (prepared.Band is { } band)
            {
                observation.Interpretation = [new CodeableConcept { Coding = [(Coding)band.DeepCopy()], Text = band.Display }];
            }

            observations.Add(observation);
        }

        foreach (var (item, answers) in Extracted(prepared.Questionnaire.Item, response.Item))
        {
            if (item.Code.Count == 0 || (prepared.Rule is { } r && item.Code.Any(c => c.Code == r.TotalCode)))
            {
                continue; // nothing to code the Observation with, or the total already made above
            }

            foreach (var answer in answers)
            {
                var observation = Base(response, responseId, new CodeableConcept { Coding = item.Code.Select(c => (Coding)c.DeepCopy()).ToList(), Text = item.Text });
                observation.Value = answer.Value switch
                {
                    Coding coding => new CodeableConcept { Coding = [(Coding)coding.DeepCopy()], Text = coding.Display },
                    DataType value => (DataType)value.DeepCopy(),
                    _ => null,
                };
                observations.Add(observation);
            }
        }

        return observations;
    }

    /// <summary>
    /// Stores the Observations of <paramref name="prepared"/> in the current transaction, updating
    /// (status amended) those an earlier version of the response yielded, matched by code.
    /// </summary>
    public async Task WriteAsync(PreparedResponse prepared, StoredVersion response, CancellationToken cancellationToken)
    {
        var responseId = response.ResourceId;

        // Only a later version of a response can have yielded Observations before.
        var earlier = response.VersionId > 1 ? await EarlierAsync(responseId, cancellationToken) : [];
        foreach (var observation in Build(prepared, responseId))
        {
            var key = CodeKey(observation.Code);
            if (earlier.FirstOrDefault(e => CodeKey(e.Code) == key) is { } previous)
            {
                earlier.Remove(previous);
                observation.Id = previous.Id;
                observation.Status = ObservationStatus.Amended;
                await store.UpdateAsync(observation, Preconditions.None, "PUT", cancellationToken);
            }
            else
            {
                await store.CreateAsync(observation, cancellationToken);
            }
        }
    }

    private async Task<List<Observation>> EarlierAsync(string responseId, CancellationToken cancellationToken)
    {
        var rows = await db.Referring("Observation", "derived-from", "QuestionnaireResponse", responseId)
            .Select(r => r.Json!)
            .ToListAsync(cancellationToken);
        return rows.Select(json => (Observation)serializers.ParseJson(json)).ToList();
    }

    private Observation Base(QuestionnaireResponse response, string? responseId, CodeableConcept code)
    {
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")],
            Code = code,
            Subject = response.Subject is null ? null : (ResourceReference)response.Subject.DeepCopy(),
            Effective = response.AuthoredElement is { } authored ? new FhirDateTime(authored.Value) : null,
            Issued = clock.GetCurrentInstant().ToDateTimeOffset(),
            Performer = response.Author is null ? [] : [(ResourceReference)response.Author.DeepCopy()],
            DerivedFrom = responseId is null ? [] : [new ResourceReference($"QuestionnaireResponse/{responseId}")],
        };
        SensitivityLabels.Apply(observation);
        return observation;
    }

    private static string TotalText(Questionnaire questionnaire, InstrumentRule rule) =>
        Flatten(questionnaire.Item).FirstOrDefault(i => i.Code.Any(c => c.Code == rule.TotalCode))?.Text ?? $"{rule.Name} total score";

    private static IEnumerable<(Questionnaire.ItemComponent Item, List<QuestionnaireResponse.AnswerComponent> Answers)> Extracted(
        List<Questionnaire.ItemComponent> items, List<QuestionnaireResponse.ItemComponent> answered)
    {
        var byLinkId = Flatten(items).Where(i => i.LinkId is not null).DistinctBy(i => i.LinkId).ToDictionary(i => i.LinkId!, StringComparer.Ordinal);
        foreach (var item in FlattenAnswered(answered))
        {
            if (item.LinkId is { } linkId && byLinkId.TryGetValue(linkId, out var definition) && definition.GetExtensionValue<FhirBoolean>(ObservationExtractUrl)?.Value == true && item.Answer.Count > 0)
            {
                yield return (definition, item.Answer);
            }
        }
    }

    private static IEnumerable<Questionnaire.ItemComponent> Flatten(IEnumerable<Questionnaire.ItemComponent> items) =>
        items.SelectMany(i => Flatten(i.Item).Prepend(i));

    private static IEnumerable<QuestionnaireResponse.ItemComponent> FlattenAnswered(IEnumerable<QuestionnaireResponse.ItemComponent> items) =>
        items.SelectMany(i => FlattenAnswered(i.Item.Concat(i.Answer.SelectMany(a => a.Item))).Prepend(i));

    private static string CodeKey(CodeableConcept? code) =>
        string.Join(",", (code?.Coding ?? []).Select(c => $"{c.System}|{c.Code}").Order(StringComparer.Ordinal));
}
