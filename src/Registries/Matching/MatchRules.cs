namespace FhirMh.Registries.Matching;

/// <summary>
/// A versioned Fellegi-Sunter match configuration: the fields compared and their agreement levels
/// with m and u, the blocking passes and the decision thresholds. Immutable; read it with
/// <see cref="Parse"/> and write it with <see cref="ToJson"/>.
/// </summary>
public sealed class MatchRules
{
    internal MatchRules(
        string version,
        IReadOnlyList<FieldRule> fields,
        IReadOnlyList<BlockingPass> blocking,
        int blockSizeCap,
        double upperThreshold,
        double lowerThreshold,
        double priorMatchProbability)
    {
        Version = version;
        Fields = fields;
        Blocking = blocking;
        BlockSizeCap = blockSizeCap;
        UpperThreshold = upperThreshold;
        LowerThreshold = lowerThreshold;
        PriorMatchProbability = priorMatchProbability;
    }

    /// <summary>The <c>version</c> property: which configuration produced a score or a link.</summary>
    public string Version { get; }

    /// <summary>The compared fields, in JSON order.</summary>
    public IReadOnlyList<FieldRule> Fields { get; }

    /// <summary>The blocking passes, in JSON order.</summary>
    public IReadOnlyList<BlockingPass> Blocking { get; }

    /// <summary>The most candidates a host should take per pass per record.</summary>
    public int BlockSizeCap { get; }

    /// <summary>Total weight (bits) at or above which a pair is a <see cref="MatchOutcome.Match"/>.</summary>
    public double UpperThreshold { get; }

    /// <summary>Total weight (bits) below which a pair is a <see cref="MatchOutcome.NonMatch"/>; in between, a possible match.</summary>
    public double LowerThreshold { get; }

    /// <summary>Prior probability that a compared pair is a match, for <see cref="RecordMatcher.Probability"/>.</summary>
    public double PriorMatchProbability { get; }

    /// <summary>Reads and validates a rule configuration.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The rules.</returns>
    /// <exception cref="MatchRulesException">The JSON is malformed or a value is invalid; the message names its JSON path.</exception>
    public static MatchRules Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return MatchRulesJson.Read(json);
    }

    /// <summary>Writes the rules as indented JSON that <see cref="Parse"/> reads back to equal rules.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => MatchRulesJson.Write(this);

    /// <summary>The same rules under another version.</summary>
    /// <param name="version">The new version; not empty.</param>
    /// <returns>A copy with <see cref="Version"/> replaced.</returns>
    public MatchRules WithVersion(string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        return new MatchRules(version, Fields, Blocking, BlockSizeCap, UpperThreshold, LowerThreshold, PriorMatchProbability);
    }

    /// <summary>The same rules with other thresholds.</summary>
    /// <param name="upperThreshold">New <see cref="UpperThreshold"/>.</param>
    /// <param name="lowerThreshold">New <see cref="LowerThreshold"/>; not above the upper one.</param>
    /// <returns>A copy with the thresholds replaced.</returns>
    /// <exception cref="ArgumentException">The lower threshold is above the upper one.</exception>
    public MatchRules WithThresholds(double upperThreshold, double lowerThreshold)
    {
        if (!(lowerThreshold <= upperThreshold))
        {
            throw new ArgumentException("lowerThreshold must not exceed upperThreshold", nameof(lowerThreshold));
        }

        return new MatchRules(Version, Fields, Blocking, BlockSizeCap, upperThreshold, lowerThreshold, PriorMatchProbability);
    }

    /// <summary>The field named <paramref name="name"/>, or null.</summary>
    /// <param name="name">A field name.</param>
    public FieldRule? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    internal MatchRules WithFields(IReadOnlyList<FieldRule> fields) =>
        new(Version, fields, Blocking, BlockSizeCap, UpperThreshold, LowerThreshold, PriorMatchProbability);
}
