namespace FhirMh.Registries.Matching;

/// <summary>The Fellegi-Sunter decision for a pair of records.</summary>
public enum MatchOutcome
{
    /// <summary>Total weight below <see cref="MatchRules.LowerThreshold"/>: different people.</summary>
    NonMatch,

    /// <summary>Total weight between the thresholds: a person should review the pair.</summary>
    PossibleMatch,

    /// <summary>Total weight at or above <see cref="MatchRules.UpperThreshold"/>: link automatically.</summary>
    Match,
}
