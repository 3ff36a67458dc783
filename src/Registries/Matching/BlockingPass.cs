namespace FhirMh.Registries.Matching;

/// <summary>
/// A blocking pass: records that share the pass key are compared. The key is the parts joined
/// with '|' and prefixed with the pass name (<c>"passName:part1|part2"</c>); a record with an empty
/// part gets no key for the pass.
/// </summary>
/// <param name="Name">Pass name, unique in the rules, without ':'.</param>
/// <param name="Keys">The key parts.</param>
public sealed record BlockingPass(string Name, IReadOnlyList<BlockingKey> Keys);
