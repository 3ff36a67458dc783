using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests.Referrals;

/// <summary>
/// The resources of a referral as the tests write them: a ServiceRequest and the Task that asks a
/// receiving organization or service to fulfil it (CLINICAL.md, "Referrals in brief").
/// </summary>
internal static class ReferralResources
{
    public const string TaskProfile = "https://fhirmh.org/fhir/StructureDefinition/mh-referral-task";

    public const string ServiceRequestProfile = "https://fhirmh.org/fhir/StructureDefinition/mh-referral-servicerequest";

    /// <summary>The BSeR task business status code system (BSeR 2.0.0-ballot, CodeSystem TaskBusinessStatusCS).</summary>
    public const string BusinessStatus = "http://hl7.org/fhir/us/bser/CodeSystem/TaskBusinessStatusCS";

    public static JsonObject ServiceRequest(string patient, string requester, string performer) => new()
    {
        ["resourceType"] = "ServiceRequest",
        ["meta"] = new JsonObject { ["profile"] = new JsonArray(ServiceRequestProfile) },
        ["status"] = "active",
        ["intent"] = "order",
        ["code"] = new JsonObject { ["text"] = "Psychological therapies assessment" },
        ["subject"] = Reference(patient),
        ["authoredOn"] = "2026-03-02",
        ["requester"] = Reference(requester),
        ["performer"] = new JsonArray(Reference(performer)),
        ["reasonCode"] = new JsonArray(new JsonObject { ["text"] = "Moderate depression (PHQ-9 total 12)" }),
    };

    /// <summary>A referral Task in <paramref name="status"/> that claims the project's profile.</summary>
    public static JsonObject Task(string status, string serviceRequest, string patient, string requester, string owner) => new()
    {
        ["resourceType"] = "Task",
        ["meta"] = new JsonObject { ["profile"] = new JsonArray(TaskProfile) },
        ["status"] = status,
        ["businessStatus"] = BusinessStatusOf("2.0", "Service Request Created"),
        ["intent"] = "order",
        ["code"] = new JsonObject
        {
            ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://hl7.org/fhir/CodeSystem/task-code", ["code"] = "fulfill" }),
        },
        ["focus"] = Reference(serviceRequest),
        ["for"] = Reference(patient),
        ["authoredOn"] = "2026-03-02",
        ["requester"] = Reference(requester),
        ["owner"] = Reference(owner),
    };

    public static JsonObject BusinessStatusOf(string code, string display) => new()
    {
        ["coding"] = new JsonArray(new JsonObject { ["system"] = BusinessStatus, ["code"] = code, ["display"] = display }),
    };

    public static JsonObject Reference(string reference) => new() { ["reference"] = reference };
}
