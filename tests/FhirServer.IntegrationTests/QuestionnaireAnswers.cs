using System.Net;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>Completed responses to the seeded questionnaires, answered item by item.</summary>
internal static class QuestionnaireAnswers
{
    public const string Phq9 = "https://fhirmh.org/fhir/Questionnaire/phq-9";

    public const string Loinc = "http://loinc.org";

    public const string SelfHarmItem = "44260-8";

    public const string NotAtAll = "LA6568-5";

    public const string SeveralDays = "LA6569-3";

    /// <summary>
    /// A completed response to the stored questionnaire <paramref name="url"/>: every required item
    /// answered with the LOINC answer <paramref name="answer"/> gives for its linkId, and the
    /// read-only total only when <paramref name="total"/> is given.
    /// </summary>
    public static async Task<JsonObject> ResponseAsync(HttpClient client, string url, string patient, Func<string, string> answer, int? total = null)
    {
        using var found = await client.GetAsync($"/fhir/Questionnaire?url={Uri.EscapeDataString(url)}");
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        var questionnaire = Assert.Single((await found.BodyAsync())["entry"]!.AsArray())!["resource"]!.AsObject();
        var items = new JsonArray();
        foreach (var item in questionnaire["item"]!.AsArray().Select(i => i!.AsObject()))
        {
            var linkId = (string)item["linkId"]!;
            if (item["readOnly"]?.GetValue<bool>() == true)
            {
                if (total is { } value)
                {
                    items.Add(new JsonObject { ["linkId"] = linkId, ["answer"] = new JsonArray(new JsonObject { ["valueInteger"] = value }) });
                }

                continue;
            }

            if (item["required"]?.GetValue<bool>() == true)
            {
                var coding = new JsonObject { ["system"] = Loinc, ["code"] = answer(linkId) };
                items.Add(new JsonObject { ["linkId"] = linkId, ["answer"] = new JsonArray(new JsonObject { ["valueCoding"] = coding }) });
            }
        }

        return new JsonObject
        {
            ["resourceType"] = "QuestionnaireResponse",
            ["questionnaire"] = $"{url}|{(string)questionnaire["version"]!}",
            ["status"] = "completed",
            ["subject"] = new JsonObject { ["reference"] = $"Patient/{patient}" },
            ["authored"] = "2026-11-25T10:00:00Z",
            ["item"] = items,
        };
    }
}
