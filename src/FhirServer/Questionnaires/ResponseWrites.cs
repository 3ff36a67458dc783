using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// What every write of a QuestionnaireResponse (create, update, patch, transaction or batch
/// entry) goes through: before the write, the response is checked against the questionnaire it
/// names (SDC) and scored, a missing total filled in, and it is labelled sensitive; after the
/// write, in the same database transaction, the score Observations and, for a positive risk item,
/// the self-harm alert are written.
/// </summary>
internal sealed class ResponseWrites(
    QuestionnaireLookup lookup,
    QuestionnaireResponseCheck check,
    QuestionnaireScoring scoring,
    InstrumentRules rules,
    ScoreObservations observations,
    SelfHarmAlert alert)
{
    /// <exception cref="FhirException">422 with one issue per problem: an unknown questionnaire, an answer that does not fit it, a wrong total.</exception>
    public async Task<PreparedResponse> PrepareAsync(QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        if (response.Questionnaire is not { Length: > 0 } canonical)
        {
            throw Unprocessable(OperationOutcome.IssueType.Required, "A QuestionnaireResponse names the Questionnaire it answers (questionnaire).");
        }

        var questionnaire = await lookup.FindAsync(canonical, cancellationToken) ?? throw Unprocessable(
            OperationOutcome.IssueType.NotFound,
            canonical.Contains('|', StringComparison.Ordinal)
                ? $"No Questionnaire '{canonical}' (that url and version) is stored on this server."
                : $"No active Questionnaire with url '{canonical}' is stored on this server.");
        var issues = (await check.CheckAsync(questionnaire, response, cancellationToken)).ToList();
        var scored = await scoring.ScoreAsync(questionnaire, response, cancellationToken);
        issues.AddRange(scored.Issues);
        if (issues.Any(WriteValidation.IsError))
        {
            throw FhirException.WithOutcome(StatusCodes.Status422UnprocessableEntity, new OperationOutcome { Issue = issues });
        }

        var written = scored.Response;
        SensitivityLabels.Apply(written);
        var rule = rules.For(questionnaire);
        var band = rule is not null && scored.Total is { } total ? rules.Band(rule.QuestionnaireCode, total) : null;
        return new PreparedResponse(written, questionnaire, rule, scored.Total, band, rule is not null && rules.IsRiskPositive(questionnaire, written), issues);
    }

    /// <summary>Writes what the stored response yields; returns the issues to tell the client (an alert raised).</summary>
    public async Task<IReadOnlyList<OperationOutcome.IssueComponent>> CompleteAsync(PreparedResponse prepared, StoredVersion written, CancellationToken cancellationToken)
    {
        if (!prepared.IsFinal)
        {
            return [];
        }

        await observations.WriteAsync(prepared, written, cancellationToken);
        if (!prepared.IsRiskPositive || await alert.WasRaisedAsync(written.ResourceId, cancellationToken))
        {
            return [];
        }

        var task = await alert.RaiseAsync(prepared.Response, written.ResourceId, cancellationToken);
        return
        [
            OperationOutcomes.Issue(
                OperationOutcome.IssueSeverity.Information,
                OperationOutcome.IssueType.Informational,
                $"A self-harm alert was raised (Task/{task.ResourceId}): the answer to PHQ-9 item 9 needs prompt clinician follow-up. Show the person crisis resources now.",
                "QuestionnaireResponse.item"),
        ];
    }

    private static FhirException Unprocessable(OperationOutcome.IssueType code, string diagnostics) =>
        FhirException.Of(StatusCodes.Status422UnprocessableEntity, code, diagnostics, "QuestionnaireResponse.questionnaire");
}
