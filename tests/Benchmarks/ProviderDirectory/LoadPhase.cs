namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// Transaction Bundles that may be sent in any order and at once, because every resource they refer
/// to was written by an earlier phase: the server checks that a directory resource's references
/// resolve when its transaction commits. <c>IsDeduplicated</c>: the registry looks for likely
/// duplicates of these resources on every write (Practitioner, Organization).
/// </summary>
internal sealed record LoadPhase(string Name, IReadOnlyList<byte[]> Bundles, int Resources, bool IsDeduplicated);
