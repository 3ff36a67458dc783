using System.Linq.Expressions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using NodaTime;
using Duration = NodaTime.Duration;
using Expr = System.Linq.Expressions.Expression<System.Func<FhirMh.FhirServer.Storage.ResourceRow, bool>>;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// Translates parsed criteria into one EF Core query over the resources table, each criterion an
/// EXISTS sub-query over an index table (ARCHITECTURE.md, Search), so SQLite and PostgreSQL
/// share the builder. Value semantics follow search.html#ptypes and search.html#prefix.
/// </summary>
internal sealed class SearchQueryBuilder(FhirDbContext db, IClock clock, TokenSets tokenSets)
{
    private Dictionary<SearchValue, TokenSet> _tokenSets = [];

    /// <summary>Current, live resources of the given types (all types when empty) that meet every criterion.</summary>
    /// <remarks>ValueSets and CodeSystems the criteria refer to (<c>:in</c>, <c>:below</c>...) are read first.</remarks>
    public async Task<IQueryable<ResourceRow>> MatchesAsync(
        IReadOnlyList<string> types, IReadOnlyList<SearchCriterion> criteria, string baseUrl, CancellationToken cancellationToken)
    {
        _tokenSets = await tokenSets.LoadAsync(criteria, cancellationToken);
        return Matches(types, criteria, baseUrl);
    }

    private IQueryable<ResourceRow> Matches(IReadOnlyList<string> types, IReadOnlyList<SearchCriterion> criteria, string baseUrl)
    {
        var query = Live(types);
        var single = types.Count == 1 ? types[0] : null;
        foreach (var criterion in criteria)
        {
            query = query.Where(Predicate(single, criterion, baseUrl));
        }

        return query;
    }

    private IQueryable<ResourceRow> Live(IReadOnlyList<string> types)
    {
        if (types.Count == 1)
        {
            var type = types[0];
            return db.Resources.Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted);
        }

        var list = types.ToList();
        return list.Count == 0
            ? db.Resources.Where(r => r.IsCurrent && !r.IsDeleted)
            : db.Resources.Where(r => list.Contains(r.ResourceType) && r.IsCurrent && !r.IsDeleted);
    }

    private Expr Predicate(string? type, SearchCriterion criterion, string baseUrl) => criterion switch
    {
        ValueCriterion value => ValuePredicate(type, value, baseUrl),
        ChainCriterion chain => ChainPredicate(type, chain, baseUrl),
        HasCriterion has => HasPredicate(has, baseUrl),
        CompartmentCriterion compartment => CompartmentPredicate(compartment),
        _ => throw new ArgumentOutOfRangeException(nameof(criterion)),
    };

    private Expr ChainPredicate(string? type, ChainCriterion chain, string baseUrl)
    {
        var code = chain.Reference.Code;
        var alternatives = new List<Expr>();
        foreach (var (targetType, inner) in chain.Targets)
        {
            var targets = Live([targetType]).Where(Predicate(targetType, inner, baseUrl)).Select(t => t.ResourceId);
            alternatives.Add(Exists(Rows(db.ReferenceIndex, type, code).Where(x => x.TargetType == targetType && targets.Contains(x.TargetId!))));
        }

        return PredicateComposer.Or(alternatives);
    }

    private Expr HasPredicate(HasCriterion has, string baseUrl)
    {
        var sources = Live([has.SourceType]).Where(Predicate(has.SourceType, has.Inner, baseUrl)).Select(s => s.RowId);
        var references = Rows(db.ReferenceIndex, has.SourceType, has.Reference.Code).Where(x => sources.Contains(x.RowId));

        // Correlated on purpose: PostgreSQL can then walk the candidates in page order and stop
        // early, where "resource_id IN (...)" made it build the whole set first.
        return r => references.Any(x => x.TargetType == r.ResourceType && x.TargetId == r.ResourceId);
    }

    private Expr CompartmentPredicate(CompartmentCriterion compartment)
    {
        var parameters = compartment.Parameters.ToList();
        var (type, id) = (compartment.CompartmentType, compartment.CompartmentId);
        return Exists(db.ReferenceIndex.Where(x => x.TargetId == id && x.TargetType == type && parameters.Contains(x.Param)));
    }

    private Expr ValuePredicate(string? type, ValueCriterion criterion, string baseUrl)
    {
        var parameter = criterion.Parameter;
        var key = parameter.Code;
        if (parameter.Code == "_id")
        {
            return IdPredicate(criterion);
        }

        if (parameter.Code == "_lastUpdated")
        {
            return LastUpdatedPredicate(criterion);
        }

        if (criterion.Modifier == "missing")
        {
            var isMissing = criterion.Values[0].Text == "true";
            var exists = parameter.Type switch
            {
                SearchParamType.String => Exists(Rows(db.StringIndex, type, key)),
                SearchParamType.Token => Exists(Rows(db.TokenIndex, type, key)),
                SearchParamType.Date => Exists(Rows(db.DateIndex, type, key)),
                SearchParamType.Number => Exists(Rows(db.NumberIndex, type, key)),
                SearchParamType.Quantity => Exists(Rows(db.QuantityIndex, type, key)),
                SearchParamType.Reference => Exists(Rows(db.ReferenceIndex, type, key)),
                SearchParamType.Uri => Exists(Rows(db.UriIndex, type, key)),
                SearchParamType.Composite => Exists(Rows(db.CompositeIndex, type, key)),
                _ => throw new ArgumentOutOfRangeException(nameof(criterion)),
            };
            return isMissing ? PredicateComposer.Not(exists) : exists;
        }

        switch (parameter.Type)
        {
            case SearchParamType.String:
                return Exists(Rows(db.StringIndex, type, key).Where(PredicateComposer.Or(criterion.Values.Select(v => StringValue(criterion.Modifier, v)).ToList())));
            case SearchParamType.Token:
                var tokens = Exists(Rows(db.TokenIndex, type, key).Where(PredicateComposer.Or(criterion.Values.Select(v =>
                    criterion.Modifier is "in" or "not-in" or "above" or "below" ? InSet(_tokenSets[v]) : TokenValue(criterion.Modifier, v)).ToList())));

                // :not and :not-in match resources with no matching value, including those without the element (search.html#token).
                return criterion.Modifier is "not" or "not-in" ? PredicateComposer.Not(tokens) : tokens;
            case SearchParamType.Date:
                return Exists(Rows(db.DateIndex, type, key).Where(PredicateComposer.Or(criterion.Values.Select(v => DateValue(v, key)).ToList())));
            case SearchParamType.Number:
                return Exists(Rows(db.NumberIndex, type, key).Where(PredicateComposer.Or(criterion.Values.Select(v => NumberValue(v, key)).ToList())));
            case SearchParamType.Quantity:
                return Exists(Rows(db.QuantityIndex, type, key).Where(PredicateComposer.Or(criterion.Values.Select(v => QuantityValue(v, key)).ToList())));
            case SearchParamType.Reference:
                return Exists(Rows(db.ReferenceIndex, type, key).Where(PredicateComposer.Or(criterion.Values.Select(v => ReferenceValuePredicate(criterion.Modifier, v, baseUrl)).ToList())));
            case SearchParamType.Uri:
                return Exists(Rows(db.UriIndex, type, key).Where(PredicateComposer.Or(criterion.Values.Select(v => UriValue(criterion.Modifier, v)).ToList())));
            case SearchParamType.Composite:
                return Exists(Rows(db.CompositeIndex, type, key).Where(PredicateComposer.Or(criterion.Values.Select(v => CompositeValue(criterion, v, key)).ToList())));
            default:
                throw FhirException.BadRequest($"The {parameter.Type} parameter '{key}' is not supported.", key);
        }
    }

    private static IQueryable<T> Rows<T>(IQueryable<T> set, string? type, string code)
        where T : IndexRow =>
        type is null ? set.Where(x => x.Param == code) : set.Where(x => x.ResourceType == type && x.Param == code);

    /// <summary>
    /// <c>row_id IN (SELECT row_id ...)</c> rather than a correlated EXISTS: SQLite then runs the
    /// sub-query once instead of once per candidate row, and PostgreSQL plans both as a semi-join.
    /// </summary>
    private static Expr Exists<T>(IQueryable<T> rows)
        where T : IndexRow
    {
        var rowIds = rows.Select(x => x.RowId);
        return r => rowIds.Contains(r.RowId);
    }

    private static Expr IdPredicate(ValueCriterion criterion)
    {
        var ids = criterion.Values.Select(v => v.Text).ToList();
        if (criterion.Modifier == "missing")
        {
            // Every resource has an id.
            return criterion.Values[0].Text == "true" ? r => false : r => true;
        }

        Expr matches = r => ids.Contains(r.ResourceId);
        return criterion.Modifier == "not" ? PredicateComposer.Not(matches) : matches;
    }

    private Expr LastUpdatedPredicate(ValueCriterion criterion)
    {
        if (criterion.Modifier == "missing")
        {
            return criterion.Values[0].Text == "true" ? r => false : r => true;
        }

        // The stored instant is a point: its range is [t, t] (search.html#date).
        return PredicateComposer.Or(criterion.Values.Select(v =>
        {
            var range = SearchValueCheck.Date(v, "_lastUpdated");
            var (start, end) = (range.Start, range.End);
            return v.Prefix switch
            {
                SearchPrefix.Eq => (Expr)(r => r.LastUpdated >= start && r.LastUpdated < end),
                SearchPrefix.Ne => r => r.LastUpdated < start || r.LastUpdated >= end,
                SearchPrefix.Gt or SearchPrefix.Sa => r => r.LastUpdated >= end,
                SearchPrefix.Lt or SearchPrefix.Eb => r => r.LastUpdated < start,
                SearchPrefix.Ge => r => r.LastUpdated >= start,
                SearchPrefix.Le => r => r.LastUpdated < end,
                _ => Approximately(range) is var (low, high) ? r => r.LastUpdated >= low && r.LastUpdated < high : null!,
            };
        }).ToList());
    }

    private static Expression<Func<StringIndexRow, bool>> StringValue(string? modifier, SearchValue value)
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
    private static (string Low, string? High) PrefixRange(string prefix)
    {
        if (prefix.Length == 0 || char.IsSurrogate(prefix[^1]) || prefix[^1] == char.MaxValue)
        {
            return (prefix, null);
        }

        return (prefix, prefix[..^1] + (char)(prefix[^1] + 1));
    }

    private static Expression<Func<TokenIndexRow, bool>> TokenValue(string? modifier, SearchValue value)
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

    private static Expression<Func<TokenIndexRow, bool>> InSet(TokenSet set)
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

    private Expression<Func<DateIndexRow, bool>> DateValue(SearchValue value, string key)
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
            _ => Approximately(range) is var (low, high) ? x => x.Start < high && x.End > low : null!,
        };
    }

    /// <summary>search.html#prefix "ap": within 10% of the distance from now, at least a day.</summary>
    private (Instant Low, Instant High) Approximately(FhirDateRange range)
    {
        var distance = clock.GetCurrentInstant() - range.Start;
        var margin = Duration.Max(Duration.FromDays(1), Duration.FromTicks(Math.Abs(distance.BclCompatibleTicks) / 10));
        return (range.Start - margin, range.End + margin);
    }

    private static Expression<Func<NumberIndexRow, bool>> NumberValue(SearchValue value, string key)
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

    private static (double Low, double High) ApproximateNumber(decimal number)
    {
        var margin = Math.Abs((double)number) * 0.1;
        return ((double)number - margin, (double)number + margin);
    }

    private static Expression<Func<QuantityIndexRow, bool>> QuantityValue(SearchValue value, string key)
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

    private static Expression<Func<QuantityIndexRow, bool>> QuantityComparison(SearchPrefix prefix, decimal number, double low, double high)
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
    private static Expression<Func<QuantityIndexRow, bool>> Canonical(Expression<Func<QuantityIndexRow, bool>> onValue) =>
        (Expression<Func<QuantityIndexRow, bool>>)new CanonicalValueRewriter().Visit(onValue);

    private static Expression<Func<ReferenceIndexRow, bool>> ReferenceValuePredicate(string? modifier, SearchValue value, string baseUrl)
    {
        var text = SearchEscaping.Unescape(value.Text);
        if (modifier == "identifier")
        {
            var (system, code, _) = SearchValueCheck.Token(value.Text);
            return system is null ? x => x.IdentifierValue == code : x => x.IdentifierSystem == system && x.IdentifierValue == code;
        }

        if (modifier is not null)
        {
            // subject:Patient=123
            var targetType = modifier;
            var id = text.StartsWith(targetType + "/", StringComparison.Ordinal) ? text[(targetType.Length + 1)..] : text;
            return x => x.TargetType == targetType && x.TargetId == id;
        }

        if (text.StartsWith(baseUrl + "/", StringComparison.Ordinal))
        {
            text = text[(baseUrl.Length + 1)..];
        }

        if (!text.Contains('/', StringComparison.Ordinal) && !text.Contains(':', StringComparison.Ordinal))
        {
            // A bare id matches a reference to a resource of any type with that id (search.html#reference).
            return x => x.TargetId == text;
        }

        switch (ReferenceValue.Parse(text))
        {
            case { TargetType: { } type, TargetId: { } targetId, Version: var version }:
                return version is null
                    ? x => x.TargetType == type && x.TargetId == targetId
                    : x => x.TargetType == type && x.TargetId == targetId && x.TargetVersion == version;
            case { Url: { } url, Version: var canonicalVersion }:
                return canonicalVersion is null ? x => x.Url == url : x => x.Url == url && x.TargetVersion == canonicalVersion;
            default:
                return x => false;
        }
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
    private Expression<Func<CompositeIndexRow, bool>> CompositeValue(ValueCriterion criterion, SearchValue value, string key)
    {
        var parts = SearchEscaping.Split(value.Text, '$');
        if (parts.Count != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw FhirException.BadRequest($"'{value.Text}' in '{key}' must be two values joined by $, e.g. http://loinc.org|8480-6$gt120.", key);
        }

        var first = ComponentRewriter.Rewrite(TokenValue(null, new SearchValue(SearchPrefix.Eq, parts[0])), FirstToken);
        var type = criterion.Parameter.Components[1].Definition.Type;
        var second = SearchParser.SplitValues(parts[1], type)[0];
        var secondPredicate = type switch
        {
            SearchParamType.Token => ComponentRewriter.Rewrite(TokenValue(null, second), SecondColumns),
            SearchParamType.Quantity => ComponentRewriter.Rewrite(QuantityValue(second, key), SecondColumns),
            SearchParamType.Date => ComponentRewriter.Rewrite(DateValue(second, key), SecondColumns),
            _ => ComponentRewriter.Rewrite(StringValue(null, second), SecondString),
        };
        return PredicateComposer.And([first, secondPredicate]);
    }

    private static Expression<Func<UriIndexRow, bool>> UriValue(string? modifier, SearchValue value)
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
