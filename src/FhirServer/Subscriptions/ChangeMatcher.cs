using Hl7.Fhir.FhirPath;
using Hl7.FhirPath;
using System.Linq.Expressions;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Search.Sql;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Subscriptions;

/// <summary>One committed version as subscriptions see it: its index values, extracted from the version itself.</summary>
internal sealed record ChangedVersion(string ResourceType, string ResourceId, IReadOnlyList<IndexRow> Index, PocoNode Node)
{
    private ILookup<string, IndexRow>? _byParameter;

    /// <summary>
    /// The index values of one parameter. Grouped once per version: a write is checked against
    /// every subscription on its type, and each would otherwise walk all of the version's values.
    /// </summary>
    public IEnumerable<IndexRow> ValuesOf(string parameter) =>
        (_byParameter ??= Index.ToLookup(r => r.Param, StringComparer.Ordinal))[parameter];
}

/// <summary>
/// Search criteria on one resource type, checked in memory against the index values of one
/// version, with the value predicates search translates to SQL (ValuePredicates, compiled), so
/// a subscription matches exactly what a search would have found at that version. Checking the
/// version rather than the database means a later change cannot hide an earlier event.
/// Criteria that need other resources (chains, <c>_has</c>), value sets or the clock are refused
/// when the Subscription is written.
/// </summary>
internal sealed class ChangeMatcher
{
    private readonly List<Func<ChangedVersion, bool>> _tests;

    private ChangeMatcher(List<Func<ChangedVersion, bool>> tests, IReadOnlyList<string> patientOrganizations, IReadOnlySet<string> parameters, ReferenceGuard? guard)
    {
        _tests = tests;
        PatientOrganizations = patientOrganizations;
        Parameters = parameters;
        Guard = guard;
    }

    /// <summary>
    /// A reference every matching version has, when the criteria require one: the catalog files
    /// the subscription under those targets, and a write is checked only against the subscriptions
    /// filed under what it references (and those without a guard), not against every one.
    /// </summary>
    public ReferenceGuard? Guard { get; }

    /// <summary>The search parameters whose index values the check reads: only those need extracting from a version.</summary>
    public IReadOnlySet<string> Parameters { get; }

    /// <summary>
    /// Organizations one of which must manage the patient the version is about (the
    /// <see cref="SubscriptionTopics.PatientOrganization"/> filter); empty when unfiltered.
    /// Checked by the dispatcher, which can read the Patient.
    /// </summary>
    public IReadOnlyList<string> PatientOrganizations { get; }

    /// <summary>The references that say which patient a version is about.</summary>
    public static readonly IReadOnlyList<string> PatientParameters = ["patient", "subject", "for"];

    public bool Matches(ChangedVersion version) => _tests.TrueForAll(test => test(version));

    /// <summary>ANDs the criteria; <paramref name="patientOrganizations"/> as in <see cref="PatientOrganizations"/>.</summary>
    /// <exception cref="NotSupportedException">A criterion cannot be checked against one version; the message says which.</exception>
    public static ChangeMatcher Compile(IReadOnlyList<SearchCriterion> criteria, CompiledExpression? fhirPath, string baseUrl, IReadOnlyList<string> patientOrganizations)
    {
        var tests = criteria.Select(c => Test(c, baseUrl)).ToList();
        var parameters = criteria.OfType<ValueCriterion>().Select(c => c.Parameter.Code).Where(code => code != "_id").ToHashSet(StringComparer.Ordinal);
        if (patientOrganizations.Count > 0)
        {
            parameters.UnionWith(PatientParameters);
        }

        if (fhirPath is not null)
        {
            // fhirPathCriteria as a boolean: true when the expression is true for the version.
            tests.Add(v => fhirPath.IsBoolean(true, v.Node, new FhirEvaluationContext()));
        }

        return new(tests, patientOrganizations, parameters, criteria.OfType<ValueCriterion>().Select(c => ReferenceGuard.Of(c, baseUrl)).FirstOrDefault(g => g is not null));
    }

    private static Func<ChangedVersion, bool> Test(SearchCriterion criterion, string baseUrl)
    {
        if (criterion is not ValueCriterion value)
        {
            throw new NotSupportedException("Chained, _has and compartment criteria need other resources and cannot be used in a subscription.");
        }

        var parameter = value.Parameter;
        var key = parameter.Code;
        if (parameter.Special != SpecialSearch.None || key == "_lastUpdated")
        {
            throw new NotSupportedException($"'{key}' depends on the time of the check and cannot be used in a subscription.");
        }

        if (key == "_id")
        {
            var ids = value.Values.Select(v => v.Text).ToHashSet(StringComparer.Ordinal);
            return value.Modifier switch
            {
                "missing" => _ => value.Values[0].Text == "false",
                "not" => v => !ids.Contains(v.ResourceId),
                _ => v => ids.Contains(v.ResourceId),
            };
        }

        if (value.Modifier == "missing")
        {
            var isMissing = value.Values[0].Text == "true";
            return v => v.ValuesOf(key).Any() != isMissing;
        }

        if (parameter.Type == SearchParamType.Date && value.Values.Any(v => v.Prefix == SearchPrefix.Ap))
        {
            throw new NotSupportedException($"The ap prefix on '{key}' depends on the time of the check and cannot be used in a subscription.");
        }

        return parameter.Type switch
        {
            SearchParamType.String => Any<StringIndexRow>(key, value.Values.Select(v => StringTest(value.Modifier, v)).ToList()),
            SearchParamType.Token => TokenTest(value, key),
            SearchParamType.Date => Any(key, Compile(value, v => ValuePredicates.DateValue(v, key, Instant.MinValue))),
            SearchParamType.Number => Any(key, Compile(value, v => ValuePredicates.NumberValue(v, key))),
            SearchParamType.Quantity => Any(key, Compile(value, v => ValuePredicates.QuantityValue(v, key))),
            SearchParamType.Reference => Any(key, Compile(value, v => ValuePredicates.ReferenceTarget(value.Modifier, v, baseUrl))),
            SearchParamType.Uri => Any(key, Compile(value, v => ValuePredicates.UriValue(value.Modifier, v))),
            _ => throw new NotSupportedException($"The {parameter.Type} parameter '{key}' cannot be used in a subscription."),
        };
    }

    private static Func<ChangedVersion, bool> TokenTest(ValueCriterion value, string key)
    {
        if (value.Modifier is "in" or "not-in" or "above" or "below")
        {
            throw new NotSupportedException($":{value.Modifier} depends on terminology and cannot be used in a subscription.");
        }

        var any = Any(key, Compile(value, v => ValuePredicates.TokenValue(value.Modifier, v)));

        // :not matches versions with no matching value, those without the element included (search.html#token).
        return value.Modifier == "not" ? v => !any(v) : any;
    }

    private static Func<StringIndexRow, bool> StringTest(string? modifier, SearchValue value)
    {
        if (modifier is "exact" or "contains")
        {
            return ValuePredicates.StringValue(modifier, value).Compile();
        }

        // Starts-with on the folded value, ordinal as the database compares it (search.html#string).
        var prefix = TextNormalizer.Fold(SearchEscaping.Unescape(value.Text));
        return x => x.Value.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static List<Func<T, bool>> Compile<T>(ValueCriterion value, Func<SearchValue, Expression<Func<T, bool>>> predicate) =>
        value.Values.Select(v => predicate(v).Compile()).ToList();

    /// <summary>Some value of the parameter meets one of the alternatives (a comma is OR).</summary>
    private static Func<ChangedVersion, bool> Any<T>(string key, List<Func<T, bool>> alternatives)
        where T : IndexRow =>
        v => v.ValuesOf(key).OfType<T>().Any(r => alternatives.Exists(a => a(r)));
}

/// <summary>
/// Criteria that only a version referencing one of <see cref="TargetIds"/> through
/// <see cref="Parameter"/> can meet: a reference criterion without modifier or with a type, each
/// of whose values names a resource by id (search.html#reference). The id alone is the key: the
/// criterion itself still checks the type and version.
/// </summary>
internal sealed record ReferenceGuard(string Parameter, IReadOnlySet<string> TargetIds)
{
    public static ReferenceGuard? Of(ValueCriterion criterion, string baseUrl)
    {
        if (criterion.Parameter.Type != SearchParamType.Reference || (criterion.Modifier is { } modifier && !ModelInfo.IsKnownResource(modifier)))
        {
            return null;
        }

        var ids = criterion.Values.Select(v => ReferenceValue.Sought(criterion.Modifier, v, baseUrl)?.TargetId).ToList();
        return ids.TrueForAll(id => id is not null) ? new(criterion.Parameter.Code, ids.OfType<string>().ToHashSet(StringComparer.Ordinal)) : null;
    }
}
