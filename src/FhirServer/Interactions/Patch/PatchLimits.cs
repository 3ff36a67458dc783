namespace FhirMh.FhirServer.Interactions.Patch;

/// <summary>How much work one patch may do; see <see cref="JsonPatchBudget"/>.</summary>
internal sealed record PatchLimits(long MaxNodes, int MaxDepth);
