using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// Responses to the seeded PHQ-9 and GAD-7: checked against their questionnaire, scored on the
/// server, the total Observation written with the response, and a positive PHQ-9 item 9 raising
/// a Flag and a stat Task in the same transaction (issue #5, CLINICAL.md).
/// </summary>
public abstract class QuestionnaireResponseTests(StorageFixture fixture)
{
    private const string Phq9 = "https://fhirmh.org/fhir/Questionnaire/phq-9";
    private const string Gad7 = "https://fhirmh.org/fhir/Questionnaire/gad-7";
    private const string Loinc = "http://loinc.org";
    private const string NotAtAll = "LA6568-5";
    private const string SeveralDays = "LA6569-3";
    private const string SelfHarmItem = "44260-8";

    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task CompletedPhq9_WithoutTotal_IsScoredLabelledAndYieldsTheTotalObservation()
    {
        var patient = (await _client.CreatePatientAsync("Scored")).Id();
        var response = await ResponseAsync(Phq9, patient, _ => SeveralDays);

        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(response));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var stored = await created.BodyAsync();
        var total = stored["item"]!.AsArray().Single(i => (string?)i!["linkId"] == "44261-6")!;
        Assert.Equal(9, (int)total["answer"]![0]!["valueInteger"]!);
        var labels = stored["meta"]!["security"]!.AsArray().Select(s => (string?)s!["code"]).ToList();
        Assert.Contains("R", labels);
        Assert.Contains("MH", labels);
        var observation = Assert.Single(await DerivedAsync(stored.Id()));
        Assert.Equal("44261-6", (string?)observation["code"]!["coding"]![0]!["code"]);
        Assert.Equal(9, (int)observation["valueInteger"]!);
        Assert.Equal("mild", (string?)observation["interpretation"]![0]!["coding"]![0]!["code"]);
        Assert.Equal("survey", (string?)observation["category"]![0]!["coding"]![0]!["code"]);
        Assert.Equal($"Patient/{patient}", (string?)observation["subject"]!["reference"]);
    }

    [Fact]
    public async Task SubmittedTotal_ThatDisagrees_Is422()
    {
        var patient = (await _client.CreatePatientAsync("WrongTotal")).Id();
        var response = await ResponseAsync(Phq9, patient, _ => SeveralDays, total: 20);

        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Contains(await ValidationTests.IssuesAsync(created), i => ((string?)i["diagnostics"])!.Contains("44261-6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnswerNotAmongTheOptions_Is422NamingTheItem()
    {
        var patient = (await _client.CreatePatientAsync("BadAnswer")).Id();
        var response = await ResponseAsync(Phq9, patient, linkId => linkId == "44250-9" ? "LA9999-9" : SeveralDays);

        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Contains(await ValidationTests.IssuesAsync(created), i => ((string?)i["diagnostics"])!.Contains("44250-9", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownQuestionnaire_Is422AtTheQuestionnaire()
    {
        var response = new JsonObject
        {
            ["resourceType"] = "QuestionnaireResponse",
            ["questionnaire"] = "https://nowhere.example/Questionnaire/none|1",
            ["status"] = "completed",
        };

        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        Assert.Equal("QuestionnaireResponse.questionnaire", ValidationTests.Expression(await created.SingleIssueAsync()));
    }

    [Fact]
    public async Task SelfHarmAnswer_RaisesAFlagAndAStatTaskAndTellsTheApp()
    {
        var gp = await CreateAsync(new JsonObject { ["resourceType"] = "Practitioner", ["name"] = new JsonArray(new JsonObject { ["family"] = "Mwangi" }) });
        var patientJson = Fhir.Patient("AtRisk");
        patientJson["generalPractitioner"] = new JsonArray(new JsonObject { ["reference"] = $"Practitioner/{gp}" });
        var patient = await CreateAsync(patientJson);
        var response = await ResponseAsync(Phq9, patient, linkId => linkId == SelfHarmItem ? SeveralDays : NotAtAll);

        using var created = await _client.SendWithHeaderAsync(HttpMethod.Post, "/fhir/QuestionnaireResponse", response, "Prefer", "return=OperationOutcome");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(await ValidationTests.IssuesAsync(created), i => ((string?)i["diagnostics"])!.Contains("self-harm alert", StringComparison.Ordinal));
        var responseId = ((string)created.Headers.Location!.ToString()).Split('/')[^3];
        var tasks = await SearchAsync($"Task?status=requested&priority=stat&focus=QuestionnaireResponse/{responseId}");
        var task = Assert.Single(tasks);
        Assert.Equal($"Patient/{patient}", (string?)task["for"]!["reference"]);
        Assert.Equal($"Practitioner/{gp}", (string?)task["owner"]!["reference"]);
        var flag = Assert.Single(await SearchAsync($"Flag?patient=Patient/{patient}"));
        Assert.Equal("active", (string?)flag["status"]);
        Assert.Equal("safety", (string?)flag["category"]![0]!["coding"]![0]!["code"]);
    }

    [Fact]
    public async Task SelfHarmAnswer_WithoutAPractitioner_GoesToTheTriageQueue()
    {
        var patient = (await _client.CreatePatientAsync("Unassigned")).Id();
        var response = await ResponseAsync(Phq9, patient, linkId => linkId == SelfHarmItem ? "LA6571-9" : NotAtAll);

        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(response));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var task = Assert.Single(await SearchAsync($"Task?focus=QuestionnaireResponse/{(await created.BodyAsync()).Id()}"));
        Assert.Equal("Organization/crisis-triage", (string?)task["owner"]!["reference"]);
    }

    [Fact]
    public async Task NotAtAllOnItem9_RaisesNoAlert()
    {
        var patient = (await _client.CreatePatientAsync("NoRisk")).Id();
        var response = await ResponseAsync(Phq9, patient, _ => "LA6571-9");
        response["item"] = new JsonArray(response["item"]!.AsArray().Select(i => i!.DeepClone()).Select(i =>
        {
            if ((string?)i["linkId"] == SelfHarmItem)
            {
                i["answer"] = Answer(NotAtAll);
            }

            return i;
        }).ToArray());

        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(response));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Empty(await SearchAsync($"Task?focus=QuestionnaireResponse/{(await created.BodyAsync()).Id()}"));
        Assert.Empty(await SearchAsync($"Flag?patient=Patient/{patient}"));
    }

    [Fact]
    public async Task AmendedResponse_UpdatesItsObservationAndRaisesNoSecondAlert()
    {
        var patient = (await _client.CreatePatientAsync("Amended")).Id();
        var response = await ResponseAsync(Phq9, patient, linkId => linkId == SelfHarmItem ? SeveralDays : NotAtAll);
        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(response));
        var stored = await created.BodyAsync();
        var amended = await ResponseAsync(Phq9, patient, _ => SeveralDays);
        amended["id"] = stored.Id();
        amended["status"] = "amended";

        using var updated = await _client.PutAsync($"/fhir/QuestionnaireResponse/{stored.Id()}", amended, ifMatch: null);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var observation = Assert.Single(await DerivedAsync(stored.Id()));
        Assert.Equal("amended", (string?)observation["status"]);
        Assert.Equal(9, (int)observation["valueInteger"]!);
        Assert.Single(await SearchAsync($"Task?focus=QuestionnaireResponse/{stored.Id()}"));
    }

    [Fact]
    public async Task TransactionSubmission_ScoresAndAlertsInTheSameTransaction()
    {
        var patientUrn = BundleJson.NewUrn();
        var response = await ResponseAsync(Phq9, "placeholder", linkId => linkId == SelfHarmItem ? SeveralDays : NotAtAll);
        response["subject"] = new JsonObject { ["reference"] = patientUrn };
        var bundle = BundleJson.Of(
            "transaction",
            BundleJson.Entry("POST", "Patient", Fhir.Patient("InBundle"), fullUrl: patientUrn),
            BundleJson.Entry("POST", "QuestionnaireResponse", response, fullUrl: BundleJson.NewUrn()));

        using var posted = await _client.PostBundleAsync(bundle);

        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        var entries = (await posted.BodyAsync()).Entries();
        var responseId = entries[1].LocationId();
        Assert.Single(await DerivedAsync(responseId));
        Assert.Single(await SearchAsync($"Task?focus=QuestionnaireResponse/{responseId}"));
    }

    [Fact]
    public async Task Gad7_Item2AnsweredMoreDaysThanNot_ScoresTwo()
    {
        var patient = (await _client.CreatePatientAsync("Anxious")).Id();
        var response = await ResponseAsync(Gad7, patient, linkId => linkId == "68509-9" ? "LA18938-3" : NotAtAll);

        using var created = await _client.PostAsync("/fhir/QuestionnaireResponse", Fhir.Json(response));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var observation = Assert.Single(await DerivedAsync((await created.BodyAsync()).Id()));
        Assert.Equal("70274-6", (string?)observation["code"]!["coding"]![0]!["code"]);
        Assert.Equal(2, (int)observation["valueInteger"]!);
    }

    [Fact]
    public async Task Extract_ReturnsTheObservationsAndStoresNothing()
    {
        var patient = (await _client.CreatePatientAsync("Extracted")).Id();
        var response = await ResponseAsync(Phq9, patient, _ => "LA6571-9");

        using var extracted = await _client.PostAsync("/fhir/QuestionnaireResponse/$extract", Fhir.Json(response));

        Assert.Equal(HttpStatusCode.OK, extracted.StatusCode);
        var observation = Assert.Single((await extracted.BodyAsync())["entry"]!.AsArray())!["resource"]!;
        Assert.Equal(27, (int)observation["valueInteger"]!);
        Assert.Equal("severe", (string?)observation["interpretation"]![0]!["coding"]![0]!["code"]);
        Assert.Empty(await SearchAsync($"QuestionnaireResponse?subject=Patient/{patient}"));
        Assert.Empty(await SearchAsync($"Observation?subject=Patient/{patient}"));
    }

    /// <summary>A completed response to the stored questionnaire, its scored items answered by <paramref name="answer"/> in the questionnaire's order.</summary>
    private Task<JsonObject> ResponseAsync(string url, string patient, Func<string, string> answer, int? total = null) =>
        QuestionnaireAnswers.ResponseAsync(_client, url, patient, answer, total);

    private static JsonArray Answer(string code) =>
        new(new JsonObject { ["valueCoding"] = new JsonObject { ["system"] = Loinc, ["code"] = code } });

    private async Task<string> CreateAsync(JsonObject resource)
    {
        using var response = await _client.PostAsync($"/fhir/{(string)resource["resourceType"]!}", Fhir.Json(resource));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.BodyAsync()).Id();
    }

    private Task<List<JsonObject>> DerivedAsync(string responseId) => SearchAsync($"Observation?derived-from=QuestionnaireResponse/{responseId}");

    private async Task<List<JsonObject>> SearchAsync(string search)
    {
        using var response = await _client.GetAsync($"/fhir/{search}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entries = (await response.BodyAsync())["entry"]?.AsArray() ?? [];
        Assert.DoesNotContain(entries, e => (string?)e!["search"]?["mode"] == "outcome"); // every parameter understood
        return entries.Select(e => e!["resource"]!.AsObject()).ToList();
    }
}

public sealed class SqliteQuestionnaireResponseTests(SqliteFixture fixture) : QuestionnaireResponseTests(fixture), IClassFixture<SqliteFixture>;

public sealed class PostgresQuestionnaireResponseTests(PostgresFixture fixture) : QuestionnaireResponseTests(fixture), IClassFixture<PostgresFixture>;
