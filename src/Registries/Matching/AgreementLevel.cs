namespace FhirMh.Registries.Matching;

/// <summary>
/// One agreement level of a field, from most to least agreeing. The last, implicit level
/// <c>"disagree"</c> is not listed; its m and u are what the listed levels leave of 1.
/// </summary>
/// <param name="Name">Level name, shown in <see cref="FieldScore.Level"/>.</param>
/// <param name="Minimum">For the <c>name</c> and <c>text</c> comparators: the minimum similarity (0..1] to reach the level.</param>
/// <param name="Kind">For the <c>date</c>, <c>phone</c> and <c>identifier</c> comparators: which test the level is
/// (<c>exact</c>, <c>dayMonthSwap</c>, <c>oneDigitTypo</c>, <c>sameYear</c>, <c>yearOnly</c>, <c>yearWithinOne</c>, <c>typo</c>).</param>
/// <param name="M">P(level | records are the same person), in (0,1).</param>
/// <param name="U">P(level | records are different people), in (0,1).</param>
public sealed record AgreementLevel(string Name, double? Minimum, string? Kind, double M, double U)
{
    /// <summary>log2(M/U): the weight in bits this level adds to the total.</summary>
    public double Weight => Math.Log2(M / U);
}
