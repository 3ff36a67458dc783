namespace FhirMh.FhirServer.Interactions;

/// <summary>The RESTful interactions of http.html, named as the CapabilityStatement names them.</summary>
internal enum FhirInteraction
{
    Read,
    VRead,
    Update,
    Patch,
    Delete,
    HistoryInstance,
    HistoryType,
    Create,
    HistorySystem,
    Capabilities,
    SearchType,
    SearchSystem,
    SearchCompartment,

    /// <summary>The operation Patient/[id]/$everything (patient-operation-everything.html).</summary>
    PatientEverything,

    /// <summary>
    /// A POST of a Bundle to the base: batch or transaction by <c>Bundle.type</c>, so the
    /// CapabilityStatement claims both (http.html#transaction).
    /// </summary>
    BatchOrTransaction,

    /// <summary>A named operation on a type, <c>[type]/$[name]</c> (operations.html).</summary>
    TypeOperation,

    /// <summary>A named operation on an instance, <c>[type]/[id]/$[name]</c> (operations.html).</summary>
    InstanceOperation,
}
