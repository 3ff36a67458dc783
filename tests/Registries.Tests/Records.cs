using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests;

/// <summary>Builds match records for tests.</summary>
internal static class Records
{
    public static MatchRecord Make(string id, params (string Field, string[] Values)[] fields) =>
        new(id, fields.ToDictionary(f => f.Field, f => (IReadOnlyList<string>)f.Values));

    public static MatchRecord Make(string id, IReadOnlyDictionary<string, string?> fields) =>
        new(id, fields.Where(f => f.Value is not null).ToDictionary(f => f.Key, f => (IReadOnlyList<string>)[f.Value!]));
}
