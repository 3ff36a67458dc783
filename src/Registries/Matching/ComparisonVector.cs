namespace FhirMh.Registries.Matching;

/// <summary>
/// The agreement level reached by each field of a pair, in rule order: an index into
/// <see cref="FieldRule.Levels"/>, <c>Levels.Count</c> for the implicit <c>disagree</c>,
/// -1 when either side lacks the field. Compared by value, so vectors can be counted.
/// </summary>
public readonly record struct ComparisonVector
{
    private readonly int[] _levels;

    /// <summary>Creates a vector from level indexes, one per field in rule order.</summary>
    /// <param name="levels">The level indexes.</param>
    public ComparisonVector(IEnumerable<int> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        _levels = levels.ToArray();
    }

    /// <summary>The level indexes, one per field.</summary>
    public IReadOnlyList<int> Levels => _levels ?? [];

    /// <summary>Number of fields.</summary>
    public int Count => _levels?.Length ?? 0;

    /// <summary>The level index of field <paramref name="field"/>.</summary>
    /// <param name="field">Field position in the rules.</param>
    public int this[int field] => _levels[field];

    /// <inheritdoc/>
    public bool Equals(ComparisonVector other) => Levels.SequenceEqual(other.Levels);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var level in Levels)
        {
            hash.Add(level);
        }

        return hash.ToHashCode();
    }

    /// <summary>The levels as text, e.g. <c>[0, 2, -1]</c>.</summary>
    public override string ToString() => "[" + string.Join(", ", Levels) + "]";
}
