namespace FhirMh.Registries.Matching;

/// <summary>How one field of a record is compared.</summary>
/// <param name="Name">Field name; the key in <see cref="MatchRecord.Fields"/>.</param>
/// <param name="Path">Opaque to the engine: a FHIRPath expression the host evaluates to get the values.</param>
/// <param name="Comparator">One of <c>exact</c>, <c>name</c>, <c>date</c>, <c>phone</c>, <c>identifier</c>, <c>text</c>.</param>
/// <param name="Levels">Agreement levels, most agreeing first, without the implicit <c>disagree</c>.</param>
/// <param name="IsFrequencyAdjusted">When true and <see cref="IValueFrequencies"/> knows the value, exact agreement
/// uses the value's frequency as u instead of the configured one.</param>
/// <param name="SwapWith">Another field of the same comparator that may be transposed with this one (given and family).</param>
/// <param name="Measure">For <c>text</c>: <c>levenshtein</c> (default; 1 - distance / longer length), <c>damerauLevenshtein</c>
/// (the same with two adjacent characters swapped as one edit: 4570 and 4507 are one slip apart) or <c>jaroWinkler</c>.</param>
/// <param name="Digits">For <c>phone</c>: how many trailing digits are compared (default 8), so country codes and trunk 0 do not matter.</param>
public sealed record FieldRule(
    string Name,
    string Path,
    string Comparator,
    IReadOnlyList<AgreementLevel> Levels,
    bool IsFrequencyAdjusted,
    string? SwapWith,
    string? Measure,
    int? Digits)
{
    /// <summary>Name of the implicit last level.</summary>
    public const string DisagreeLevel = "disagree";

    /// <summary>Name reported when either side lacks the field.</summary>
    public const string MissingLevel = "missing";

    /// <summary>m of the implicit <c>disagree</c> level: 1 minus the sum of the listed m.</summary>
    public double DisagreeM => 1 - Levels.Sum(l => l.M);

    /// <summary>u of the implicit <c>disagree</c> level: 1 minus the sum of the listed u.</summary>
    public double DisagreeU => 1 - Levels.Sum(l => l.U);

    /// <summary>Weight in bits of the implicit <c>disagree</c> level (negative).</summary>
    public double DisagreeWeight => Math.Log2(DisagreeM / DisagreeU);

    /// <summary>The weight of level <paramref name="level"/>; <see cref="Levels"/>.Count is <c>disagree</c>, -1 is missing (0).</summary>
    /// <param name="level">A level index as in <see cref="ComparisonVector"/>.</param>
    public double LevelWeight(int level) =>
        level < 0 ? 0 : level >= Levels.Count ? DisagreeWeight : Levels[level].Weight;

    /// <summary>The name of level <paramref name="level"/>, including <c>disagree</c> and <c>missing</c>.</summary>
    /// <param name="level">A level index as in <see cref="ComparisonVector"/>.</param>
    public string LevelName(int level) =>
        level < 0 ? MissingLevel : level >= Levels.Count ? DisagreeLevel : Levels[level].Name;
}
