namespace FhirMh.Registries.Matching;

/// <summary>One part of a blocking pass key: a field's normalised values after a transform.</summary>
/// <param name="Field">The field name from the rules.</param>
/// <param name="Transform"><c>exact</c>, <c>soundex</c>, <c>nysiis</c>, <c>initial</c> (first letter),
/// <c>year</c> (first 4 characters of a date), <c>digits</c> (digits only) or <c>last</c> (last <paramref name="Length"/> digits).</param>
/// <param name="Length">For <c>last</c>: how many trailing digits.</param>
public sealed record BlockingKey(string Field, string Transform, int? Length);
