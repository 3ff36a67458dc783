using FhirMh.FhirServer.Interactions;

namespace FhirMh.FhirServer.Rest;

/// <summary>
/// The routes the server maps, and therefore the interactions it implements: the
/// CapabilityStatement is generated from this table, so it cannot claim what is not mapped.
/// </summary>
internal static class FhirRoutes
{
    public static readonly IReadOnlyList<FhirRoute> All =
    [
        new("GET", "metadata", FhirInteraction.Capabilities, "capabilities: the CapabilityStatement"),
        new("POST", "", FhirInteraction.BatchOrTransaction, "batch or transaction: a Bundle whose type is batch or transaction"),
        new("GET", "_history", FhirInteraction.HistorySystem, "history of all resources"),
        new("GET", "{type}/_history", FhirInteraction.HistoryType, "history of a resource type"),
        new("GET", "", FhirInteraction.SearchSystem, "search across all types (_type to choose)"),
        new("POST", "_search", FhirInteraction.SearchSystem, "search across all types, parameters in a form body"),
        new("POST", "{type}", FhirInteraction.Create, "create with a server-assigned id (conditional with If-None-Exist)"),
        new("GET", "{type}", FhirInteraction.SearchType, "search a type"),
        new("POST", "{type}/_search", FhirInteraction.SearchType, "search a type, parameters in a form body"),
        new("PUT", "{type}", FhirInteraction.Update, "conditional update: criteria in the query"),
        new("PATCH", "{type}", FhirInteraction.Patch, "conditional patch: criteria in the query"),
        new("DELETE", "{type}", FhirInteraction.Delete, "conditional delete: criteria in the query"),
        new("GET", "{compartment}/{id}/{type}", FhirInteraction.SearchCompartment, "search a type within a compartment"),
        new("GET", "{type}/{id}/$everything", FhirInteraction.PatientEverything, "Patient/[id]/$everything: the patient and everything in its compartment"),
        new("GET", "{type}/{id}", FhirInteraction.Read, "read the current version"),
        new("PUT", "{type}/{id}", FhirInteraction.Update, "update, or create with this id"),
        new("PATCH", "{type}/{id}", FhirInteraction.Patch, "patch with JSON Patch (application/json-patch+json) or FHIRPath Patch (Parameters)"),
        new("DELETE", "{type}/{id}", FhirInteraction.Delete, "delete (a tombstone version)"),
        new("GET", "{type}/{id}/_history", FhirInteraction.HistoryInstance, "history of one resource"),
        new("GET", "{type}/{id}/_history/{vid}", FhirInteraction.VRead, "vread one version"),
        new("GET", "{type}/${operation}", FhirInteraction.TypeOperation, "an operation on a type without side effects, parameters in the query"),
        new("POST", "{type}/${operation}", FhirInteraction.TypeOperation, "an operation on a type, parameters in a Parameters body (or the resource itself)"),
        new("GET", "{type}/{id}/${operation}", FhirInteraction.InstanceOperation, "an operation on one resource without side effects, parameters in the query"),
        new("POST", "{type}/{id}/${operation}", FhirInteraction.InstanceOperation, "an operation on one resource, parameters in a Parameters body"),
    ];
}
