using System.Collections.Concurrent;
using Fhir.Metrics;

namespace FhirMh.FhirServer.Search;

/// <summary>
/// Converts UCUM quantities to canonical units (search.html#quantity: "the server SHOULD
/// convert ... to a canonical form"). The factor of each unit is found once: conversions are
/// linear except for units with an offset (Cel, [degF]), which are left as written.
/// </summary>
internal static class QuantityCanonicalizer
{
    public const string Ucum = "http://unitsofmeasure.org";

    private static readonly ConcurrentDictionary<string, (decimal Factor, string Unit)?> Factors = new(StringComparer.Ordinal);

    public static bool TryCanonicalize(decimal value, string? system, string? unit, out decimal canonicalValue, out string canonicalUnit)
    {
        canonicalValue = 0;
        canonicalUnit = string.Empty;
        if (system != Ucum || string.IsNullOrEmpty(unit) || Factors.GetOrAdd(unit, FactorOf) is not { } factor)
        {
            return false;
        }

        canonicalValue = value * factor.Factor;
        canonicalUnit = factor.Unit;
        return true;
    }

    private static (decimal Factor, string Unit)? FactorOf(string unit)
    {
        try
        {
            var metrics = FhirMetricService.Instance.Value;
            if (!metrics.TryCanonicalize((1m, unit, Ucum), out var one) || one is not { } a ||
                !metrics.TryCanonicalize((2m, unit, Ucum), out var two) || two is not { } b ||
                b.Item1 != 2 * a.Item1)
            {
                return null;
            }

            return (a.Item1, a.Item2);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException or KeyNotFoundException)
        {
            return null;
        }
    }
}
