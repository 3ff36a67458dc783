using System.Linq.Expressions;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parsing;
using Hl7.Fhir.Model;
using Duration = NodaTime.Duration;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// The predicate one search value makes on the index rows of its parameter's type, following
/// search.html#ptypes (what matches) and search.html#prefix (range comparisons).
/// </summary>
internal static class ValuePredicates
{
    internal static Expression<Func<StringIndexRow, bool>> StringValue(string? modifier, SearchValue value)
    {
        var text = SearchEscaping.Unescape(value.Text);
        switch (modifier)
        {
            case "exact":
                return x => x.Exact == text;
            case "contains":
                var folded = TextNormalizer.Fold(text);
                return x => x.Value.Contains(folded);
            default:
                // Starts-with, written as a range so that both databases use the index (search.html#string).
                var (low, high) = PrefixRange(TextNormalizer.Fold(text));
                return high is null ? x => x.Value.StartsWith(low) : x => string.Compare(x.Value, low) >= 0 && string.Compare(x.Value, high) < 0;
        }
    }

    /// <summary>The strings that start with <paramref name="prefix"/> are [prefix, prefix with its last character raised).</summary>
    internal static (string Low, string? High) PrefixRange(string prefix)
    {
        if (prefix.Length == 0 || char.IsSurrogate(prefix[^1]) || prefix[^1] == char.MaxValue)
        {
            return (prefix, null);
        }

        return (prefix, prefix[..^1] + (char)(prefix[^1] + 1));
    }

    internal static Expression<Func<TokenIndexRow, bool>> TokenValue(string? modifier, SearchValue value)
    {
        if (modifier == "text")
        {
            var (low, high) = PrefixRange(TextNormalizer.Fold(SearchEscaping.Unescape(value.Text)));
            return high is null ? x => x.Text!.StartsWith(low) : x => string.Compare(x.Text, low) >= 0 && string.Compare(x.Text, high) < 0;
        }

        var (system, code, hasSystem) = SearchValueCheck.Token(value.Text);
        return (system, code, hasSystem) switch
        {
            (null, { } c, false) => x => x.Code == c,
            (null, { } c, true) => x => x.System == null && x.Code == c,
            ({ } s, null, _) => x => x.System == s,
            ({ } s, { } c, _) => x => x.System == s && x.Code == c,
            _ => x => false,
        };
    }

    internal static Expression<Func<TokenIndexRow, bool>> InSet(TokenSet set)
    {
        var alternatives = new List<Expression<Func<TokenIndexRow, bool>>>();
        foreach (var (system, list) in set.CodesBySystem)
        {
            var codes = list.Distinct().ToList();
            alternatives.Add(x => x.System == system && codes.Contains(x.Code!));
        }

        foreach (var system in set.WholeSystems)
        {
            alternatives.Add(x => x.System == system);
        }

        return alternatives.Count == 0 ? x => false : PredicateComposer.Or(alternatives);
    }

    internal static Expression<Func<DateIndexRow, bool>> DateValue(SearchValue value, string key, Instant now)
    {
        var range = SearchValueCheck.Date(value, key);
        var (start, end) = (range.Start, range.End);

        // Target range [x.Start, x.End) against search range [start, end) (search.html#prefix).
        return value.Prefix switch
        {
            SearchPrefix.Eq => x => x.Start >= start && x.End <= end,
            SearchPrefix.Ne => x => x.Start < start || x.End > end,
            SearchPrefix.Gt => x => x.End > end,
            SearchPrefix.Lt => x => x.Start < start,
            SearchPrefix.Ge => x => x.End > end || (x.Start >= start && x.End <= end),
            SearchPrefix.Le => x => x.Start < start || (x.Start >= start && x.End <= end),
            SearchPrefix.Sa => x => x.Start >= end,
            SearchPrefix.Eb => x => x.End <= start,
            _ => Approximately(range, now) is var (low, high) ? x => x.Start < high && x.End > low : null!,
        };
    }

    /// <summary>search.html#prefix "ap": within 10% of the distance from now, at least a day.</summary>
    internal static (Instant Low, Instant High) Approximately(FhirDateRange range, Instant now)
    {
        var distance = now - range.Start;
        var margin = Duration.Max(Duration.FromDays(1), Duration.FromTicks(Math.Abs(distance.BclCompatibleTicks) / 10));
        return (range.Start - margin, range.End + margin);
    }

    internal static Expression<Func<NumberIndexRow, bool>> NumberValue(SearchValue value, string key)
    {
        var number = SearchValueCheck.Number(value.Text, key);
        var (low, high) = PrecisionRange(number, value.Text);
        var n = (double)number;
        return value.Prefix switch
        {
            SearchPrefix.Eq => x => x.Value >= low && x.Value < high,
            SearchPrefix.Ne => x => x.Value < low || x.Value >= high,
            SearchPrefix.Gt or SearchPrefix.Sa => x => x.Value > n,
            SearchPrefix.Lt or SearchPrefix.Eb => x => x.Value < n,
            SearchPrefix.Ge => x => x.Value >= n,
            SearchPrefix.Le => x => x.Value <= n,
            _ => ApproximateNumber(number) is var (l, h) ? x => x.Value >= l && x.Value <= h : null!,
        };
    }

    /// <summary>The implicit range of a number at its precision (search.html#number): 100 is [99.5, 100.5), 1e2 is [50, 150).</summary>
    internal static (double Low, double High) PrecisionRange(decimal number, string text)
    {
        var mantissa = text.Split('e', 'E')[0];
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var decimals = dot < 0 ? 0 : mantissa.Length - dot - 1;
        var exponent = text.Contains('e', StringComparison.OrdinalIgnoreCase)
            ? int.Parse(text.Split('e', 'E')[1], System.Globalization.CultureInfo.InvariantCulture)
            : 0;
        var half = 0.5 * Math.Pow(10, exponent - decimals);
        return ((double)number - half, (double)number + half);
    }

    internal static (double Low, double High) ApproximateNumber(decimal number)
    {
        var margin = Math.Abs((double)number) * 0.1;
        return ((double)number - margin, (double)number + margin);
    }

    internal static Expression<Func<QuantityIndexRow, bool>> QuantityValue(SearchValue value, string key)
    {
        var (number, text, system, code) = SearchValueCheck.Quantity(value, key);
        var (low, high) = PrecisionRange(number, text);
        var compare = QuantityComparison(value.Prefix, number, low, high);
        var asWritten = (system, code) switch
        {
            (null, null) => compare,
            (null, { } c) => PredicateComposer.And([x => x.Code == c, compare]),
            ({ } s, null) => PredicateComposer.And([x => x.System == s, compare]),
            ({ } s, { } c) => PredicateComposer.And([x => x.System == s && x.Code == c, compare]),
        };

        // Also in canonical units: 5 mg is stored as 0.005 g too, and a search in g finds it.
        if (code is not null && QuantityCanonicalizer.TryCanonicalize(number, system ?? QuantityCanonicalizer.Ucum, code, out var canonical, out var unit))
        {
            var factor = (double)(canonical / (number == 0 ? 1 : number));
            if (number == 0 && QuantityCanonicalizer.TryCanonicalize(1, system ?? QuantityCanonicalizer.Ucum, code, out var one, out _))
            {
                factor = (double)one;
            }

            var canonicalCompare = QuantityComparison(value.Prefix, canonical, low * factor, high * factor);
            var inCanonical = PredicateComposer.And([x => x.CanonicalCode == unit, Canonical(canonicalCompare)]);
            return PredicateComposer.Or([asWritten, inCanonical]);
        }

        return asWritten;
    }

    internal static Expression<Func<QuantityIndexRow, bool>> QuantityComparison(SearchPrefix prefix, decimal number, double low, double high)
    {
        var n = (double)number;
        return prefix switch
        {
            SearchPrefix.Eq => x => x.Value >= low && x.Value < high,
            SearchPrefix.Ne => x => x.Value < low || x.Value >= high,
            SearchPrefix.Gt or SearchPrefix.Sa => x => x.Value > n,
            SearchPrefix.Lt or SearchPrefix.Eb => x => x.Value < n,
            SearchPrefix.Ge => x => x.Value >= n,
            SearchPrefix.Le => x => x.Value <= n,
            _ => ApproximateNumber(number) is var (l, h) ? x => x.Value >= l && x.Value <= h : null!,
        };
    }

    /// <summary>The same comparison, made on the canonical value column.</summary>
    internal static Expression<Func<QuantityIndexRow, bool>> Canonical(Expression<Func<QuantityIndexRow, bool>> onValue) =>
        (Expression<Func<QuantityIndexRow, bool>>)new CanonicalValueRewriter().Visit(onValue);

    internal static Expression<Func<ReferenceIndexRow, bool>> ReferenceTarget(string? modifier, SearchValue value, string baseUrl)
    {
        if (modifier == "identifier")
        {
            var (system, code, _) = SearchValueCheck.Token(value.Text);
            return system is null ? x => x.IdentifierValue == code : x => x.IdentifierSystem == system && x.IdentifierValue == code;
        }

        return ReferenceValue.Sought(modifier, value, baseUrl) switch
        {
            { TargetId: { } id, TargetType: null } => x => x.TargetId == id,
            { TargetId: { } id, TargetType: { } type, Version: null } => x => x.TargetType == type && x.TargetId == id,
            { TargetId: { } id, TargetType: { } type, Version: { } version } => x => x.TargetType == type && x.TargetId == id && x.TargetVersion == version,
            { Url: { } url, Version: null } => x => x.Url == url,
            { Url: { } url, Version: { } version } => x => x.Url == url && x.TargetVersion == version,
            _ => x => false,
        };
    }

    private static readonly Dictionary<string, string> FirstToken = new()
    {
        [nameof(TokenIndexRow.System)] = nameof(CompositeIndexRow.FirstSystem),
        [nameof(TokenIndexRow.Code)] = nameof(CompositeIndexRow.FirstCode),
    };

    private static readonly Dictionary<string, string> SecondColumns = new()
    {
        [nameof(TokenIndexRow.System)] = nameof(CompositeIndexRow.SecondSystem),
        [nameof(TokenIndexRow.Code)] = nameof(CompositeIndexRow.SecondCode),
        [nameof(QuantityIndexRow.Value)] = nameof(CompositeIndexRow.SecondNumber),
        [nameof(QuantityIndexRow.CanonicalCode)] = nameof(CompositeIndexRow.SecondCanonicalCode),
        [nameof(QuantityIndexRow.CanonicalValue)] = nameof(CompositeIndexRow.SecondCanonicalNumber),
        [nameof(DateIndexRow.Start)] = nameof(CompositeIndexRow.SecondStart),
        [nameof(DateIndexRow.End)] = nameof(CompositeIndexRow.SecondEnd),
    };

    private static readonly Dictionary<string, string> SecondString = new()
    {
        [nameof(StringIndexRow.Value)] = nameof(CompositeIndexRow.SecondText),
    };

    /// <summary>
    /// <c>first$second</c> (search.html#composite): the token and the second component, each
    /// compared by the rules of its type, on the same row.
    /// </summary>
    internal static Expression<Func<CompositeIndexRow, bool>> CompositeValue(ValueCriterion criterion, SearchValue value, string key, Instant now)
    {
        var (firstValue, second) = SearchValueCheck.Composite(criterion.Parameter, value, key);
        var first = ComponentRewriter.Rewrite(TokenValue(null, firstValue), FirstToken);
        var type = criterion.Parameter.Components[1].Definition.Type;
        var secondPredicate = type switch
        {
            SearchParamType.Token => ComponentRewriter.Rewrite(TokenValue(null, second), SecondColumns),
            SearchParamType.Quantity => ComponentRewriter.Rewrite(QuantityValue(second, key), SecondColumns),
            SearchParamType.Date => ComponentRewriter.Rewrite(DateValue(second, key, now), SecondColumns),
            _ => ComponentRewriter.Rewrite(StringValue(null, second), SecondString),
        };
        return PredicateComposer.And([first, secondPredicate]);
    }

    internal static Expression<Func<UriIndexRow, bool>> UriValue(string? modifier, SearchValue value)
    {
        var text = SearchEscaping.Unescape(value.Text);
        return modifier switch
        {
            "below" => x => x.Value.StartsWith(text),
            "above" => x => text.StartsWith(x.Value),
            _ => x => x.Value == text,
        };
    }
}
