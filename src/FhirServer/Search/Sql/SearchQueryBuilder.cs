using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Security;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Expr = System.Linq.Expressions.Expression<System.Func<FhirMh.FhirServer.Storage.ResourceRow, bool>>;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// Translates parsed criteria into one EF Core query over the resources table, each criterion an
/// EXISTS sub-query over an index table (ARCHITECTURE.md, Search), so SQLite and PostgreSQL
/// share the builder. Value semantics follow search.html#ptypes and search.html#prefix.
/// </summary>
internal sealed partial class SearchQueryBuilder(FhirDbContext db, IClock clock, TokenSets tokenSets, IOptions<SearchOptions> options, AccessRules access)
{
    /// <summary>What a search (its matches, chained and reverse-chained targets) may reach: rows readable or searchable.</summary>
    private const SmartPermissions Searching = SmartPermissions.Read | SmartPermissions.Search;

    private Dictionary<SearchValue, TokenSet> _tokenSets = [];

    private string _baseUrl = string.Empty;

    /// <summary>While true, criteria are built to be checked for each candidate row (<see cref="CheckedOneByOne"/>).</summary>
    private bool _isOneByOne;

    /// <summary>Current, live resources of the given types (all types when empty) that meet every criterion.</summary>
    /// <remarks>ValueSets and CodeSystems the criteria refer to (<c>:in</c>, <c>:below</c>...) are read first.</remarks>
    public async Task<IQueryable<ResourceRow>> MatchesAsync(
        IReadOnlyList<string> types, IReadOnlyList<SearchCriterion> criteria, string baseUrl, CancellationToken cancellationToken) =>
        (await PrepareAsync(types, criteria, baseUrl, cancellationToken)).Value;

    /// <summary>
    /// Reads what the criteria refer to (ValueSets and CodeSystems of <c>:in</c>, <c>:below</c>...),
    /// which every query of this search then needs, and returns the matches of <see cref="MatchesAsync"/>
    /// to be built when first asked for.
    /// </summary>
    public async Task<Lazy<IQueryable<ResourceRow>>> PrepareAsync(
        IReadOnlyList<string> types, IReadOnlyList<SearchCriterion> criteria, string baseUrl, CancellationToken cancellationToken)
    {
        _baseUrl = baseUrl;
        var restrictions = types.Select(t => access.Restriction(t, Searching)).OfType<SearchCriterion>();
        _tokenSets = await tokenSets.LoadAsync([.. criteria, .. restrictions], cancellationToken);
        return new(() => Matches(types, criteria, baseUrl).PlannedForItsValues());
    }

    /// <summary>
    /// The same matches as <see cref="MatchesAsync"/> (called first: it loads the value sets), with
    /// every criterion written as a sub-query correlated with the candidate row that PostgreSQL
    /// cannot turn into a join (<see cref="OneByOne{T}"/>): the statement then checks each candidate
    /// it is given, a few index probes apiece, whatever the planner estimates. Asked of a handful
    /// of candidates (<see cref="Paging.RowIdWalk"/>), a joined criterion may instead be computed
    /// whole: the Locations near a city and the services at each of them, 17 ms at Paris, to
    /// keep 42 services.
    /// </summary>
    public IQueryable<ResourceRow> CheckedOneByOne(IReadOnlyList<string> types, IReadOnlyList<SearchCriterion> criteria, string baseUrl)
    {
        _isOneByOne = true;
        try
        {
            return Matches(types, criteria, baseUrl);
        }
        finally
        {
            _isOneByOne = false;
        }
    }

    /// <summary>
    /// The current, live resources of <paramref name="type"/> within the caller's scopes granting
    /// any of <paramref name="permissions"/>: every check of a single resource (read, write, history)
    /// asks this, so it applies the same rules as search.
    /// </summary>
    public IQueryable<ResourceRow> Reachable(string type, SmartPermissions permissions, string baseUrl)
    {
        _baseUrl = baseUrl;
        var query = db.Resources.Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted);
        return access.Restriction(type, permissions) is { } restriction ? query.Where(Predicate(type, restriction, baseUrl)) : query;
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

    /// <summary>
    /// The current, live resources of the types that the caller may reach: every search, chain and
    /// <c>_has</c> starts here, so data outside the caller's scopes neither matches nor acts as an
    /// oracle for another criterion.
    /// </summary>
    private IQueryable<ResourceRow> Live(IReadOnlyList<string> types)
    {
        if (types.Count == 1)
        {
            var type = types[0];
            var query = db.Resources.Where(r => r.ResourceType == type && r.IsCurrent && !r.IsDeleted);
            return access.Restriction(type, Searching) is { } restriction ? query.Where(Predicate(type, restriction, _baseUrl)) : query;
        }

        var list = types.ToList();
        if (list.Count == 0)
        {
            if (!access.ReachesEverything(Searching))
            {
                throw FhirException.Forbidden("The access token's scopes do not reach every resource type: name the types to search with _type.");
            }

            return db.Resources.Where(r => r.IsCurrent && !r.IsDeleted);
        }

        var live = db.Resources.Where(r => list.Contains(r.ResourceType) && r.IsCurrent && !r.IsDeleted);
        var restricted = list.Select(t => (Type: t, Restriction: access.Restriction(t, Searching))).Where(t => t.Restriction is not null).ToList();
        if (restricted.Count == 0)
        {
            return live;
        }

        // Each type under its own restriction: (type = T1 and R1) or (type = T2 and R2) or (type not restricted).
        var free = list.Except(restricted.Select(t => t.Type)).ToList();
        var alternatives = restricted
            .Select(t => PredicateComposer.And<ResourceRow>([OfType(t.Type), Predicate(t.Type, t.Restriction!, _baseUrl)]))
            .ToList();
        if (free.Count > 0)
        {
            alternatives.Add(r => free.Contains(r.ResourceType));
        }

        return live.Where(PredicateComposer.Or(alternatives));
    }

    private static Expr OfType(string type) => r => r.ResourceType == type;

    /// <summary>
    /// True when the current, live <paramref name="type"/>/<paramref name="id"/> exists and none of
    /// its patients has an indexed consent: under a permitting default, consent then hides nothing.
    /// </summary>
    public Task<bool> HasNoConsentAsync(string type, string id, ConsentCriterion consent, CancellationToken cancellationToken)
    {
        var queries = ConsentQueries.Of(db.Model);
        return type == "Patient"
            ? queries.PatientHasNoConsent(db, id, cancellationToken)
            : queries.ResourceHasNoConsent(db, type, id, [.. consent.CompartmentParameters], cancellationToken);
    }

    private Expr AccessPredicate(string? type, AccessCriterion access, string baseUrl)
    {
        if (access.Alternatives.Count == 0)
        {
            return r => false;
        }

        var predicates = new List<Expr>();
        if (access.Alternatives.All(a => a.Count > 0))
        {
            predicates.Add(PredicateComposer.Or(access.Alternatives
                .Select(all => PredicateComposer.And(all.Select(c => Predicate(type, c, baseUrl)).ToList()))
                .ToList()));
        }

        if (access.Consent is { } consent)
        {
            predicates.Add(ConsentPredicates.Visible(db, consent));
        }

        return predicates.Count == 0 ? r => true : PredicateComposer.And(predicates);
    }

    private Expr Predicate(string? type, SearchCriterion criterion, string baseUrl) => criterion switch
    {
        ValueCriterion value => ValuePredicate(type, value, baseUrl),
        ChainCriterion chain => ChainPredicate(type, chain, baseUrl),
        HasCriterion has => HasPredicate(has, baseUrl),
        CompartmentCriterion compartment => CompartmentPredicate(compartment),
        AccessCriterion access => AccessPredicate(type, access, baseUrl),
        _ => throw new ArgumentOutOfRangeException(nameof(criterion)),
    };

    private Expr ChainPredicate(string? type, ChainCriterion chain, string baseUrl)
    {
        var code = chain.Reference.Code;
        var alternatives = new List<Expr>();
        foreach (var (targetType, inner) in chain.Targets)
        {
            if (_isOneByOne)
            {
                // Each reference's target looked up by id and checked, rather than every target found first.
                var targets = Live([targetType]).Where(Predicate(targetType, inner, baseUrl));
                var fence = 0;
                alternatives.Add(OneByOne(db.ReferenceIndex.OfParameter(type, code)
                    .Where(x => x.TargetType == targetType && targets.Where(t => t.ResourceId == x.TargetId).Skip(fence).Any())));
                continue;
            }

            alternatives.Add(Exists(ReferencesToTargets(type, code, targetType, inner, baseUrl)));
        }

        return PredicateComposer.Or(alternatives);
    }

    /// <summary>The <paramref name="code"/> references of <paramref name="type"/> to the live <paramref name="targetType"/> resources meeting <paramref name="inner"/>, found target first.</summary>
    private IQueryable<ReferenceIndexRow> ReferencesToTargets(string? type, string code, string targetType, SearchCriterion inner, string baseUrl)
    {
        var ids = Live([targetType]).Where(Predicate(targetType, inner, baseUrl)).Select(t => t.ResourceId);
        return db.ReferenceIndex.OfParameter(type, code).Where(x => x.TargetType == targetType && ids.Contains(x.TargetId!));
    }

    private Expr HasPredicate(HasCriterion has, string baseUrl)
    {
        // Index rows exist only for current, live versions (a new version or a delete removes the
        // old version's rows in its transaction), so where the caller's scopes leave the source
        // type open, the source rows come from the index alone: the plan then no longer rests on
        // the planner's estimate of how many resources are current and live.
        var sources = access.Restriction(has.SourceType, Searching) is null && has.Inner is ValueCriterion value && IndexedRowIds(has.SourceType, value, baseUrl) is { } indexed
            ? indexed
            : Live([has.SourceType]).Where(Predicate(has.SourceType, has.Inner, baseUrl)).Select(s => s.RowId);
        var references = db.ReferenceIndex.OfParameter(has.SourceType, has.Reference.Code);
        if (_isOneByOne)
        {
            var fence = 0;
            var pointing = references.Where(x => sources.Where(s => s == x.RowId).Skip(fence).Any());
            return r => pointing.Where(x => x.TargetType == r.ResourceType && x.TargetId == r.ResourceId).Skip(fence).Any();
        }

        var fromSources = references.Where(x => sources.Contains(x.RowId));

        // Correlated on purpose: PostgreSQL can then walk the candidates in page order and stop
        // early, where "resource_id IN (...)" made it build the whole set first.
        return r => fromSources.Any(x => x.TargetType == r.ResourceType && x.TargetId == r.ResourceId);
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
            return ResourceColumnPredicates.Id(criterion);
        }

        if (parameter.Code == "_lastUpdated")
        {
            return ResourceColumnPredicates.LastUpdated(criterion, clock.GetCurrentInstant());
        }

        if (parameter.Special != SpecialSearch.None)
        {
            return PredicateComposer.Or(criterion.Values.Select(v => SpecialPredicate(type, parameter, v)).ToList());
        }

        if (criterion.Modifier == "missing")
        {
            var isMissing = criterion.Values[0].Text == "true";
            var exists = parameter.Type switch
            {
                SearchParamType.String => Exists(db.StringIndex.OfParameter(type, key)),
                SearchParamType.Token => Exists(db.TokenIndex.OfParameter(type, key)),
                SearchParamType.Date => Exists(db.DateIndex.OfParameter(type, key)),
                SearchParamType.Number => Exists(db.NumberIndex.OfParameter(type, key)),
                SearchParamType.Quantity => Exists(db.QuantityIndex.OfParameter(type, key)),
                SearchParamType.Reference => Exists(db.ReferenceIndex.OfParameter(type, key)),
                SearchParamType.Uri => Exists(db.UriIndex.OfParameter(type, key)),
                SearchParamType.Composite => Exists(db.CompositeIndex.OfParameter(type, key)),
                _ => throw new ArgumentOutOfRangeException(nameof(criterion)),
            };
            return isMissing ? PredicateComposer.Not(exists) : exists;
        }

        if (criterion.Modifier is "not" or "not-in")
        {
            // :not and :not-in match resources with no matching value, including those without the element (search.html#token).
            var matching = IndexedRowIds(type, criterion with { Modifier = criterion.Modifier == "not" ? null : "in" }, baseUrl)!;
            return PredicateComposer.Not(In(matching));
        }

        return In(IndexedRowIds(type, criterion, baseUrl)
            ?? throw FhirException.BadRequest($"The {parameter.Type} parameter '{key}' is not supported.", key));
    }

    /// <summary>
    /// The index rows a value criterion matches, as row ids: for every criterion on an indexed
    /// value that asks for a matching value (no <c>:missing</c>, <c>:not</c> or <c>:not-in</c>),
    /// and null for the rest (<c>_id</c>, <c>_lastUpdated</c>, the special parameters).
    /// </summary>
    private IQueryable<long>? IndexedRowIds(string? type, ValueCriterion criterion, string baseUrl)
    {
        var parameter = criterion.Parameter;
        var key = parameter.Code;
        if (key is "_id" or "_lastUpdated" || parameter.Special != SpecialSearch.None || criterion.Modifier is "missing" or "not" or "not-in")
        {
            return null;
        }

        var now = clock.GetCurrentInstant();
        var values = criterion.Values;
        return parameter.Type switch
        {
            SearchParamType.String => RowIds(db.StringIndex.OfParameter(type, key).Where(PredicateComposer.Or(values.Select(v => ValuePredicates.StringValue(criterion.Modifier, v)).ToList()))),
            SearchParamType.Token => RowIds(db.TokenIndex.OfParameter(type, key).Where(PredicateComposer.Or(values.Select(v =>
                criterion.Modifier is "in" or "above" or "below" ? ValuePredicates.InSet(_tokenSets[v]) : ValuePredicates.TokenValue(criterion.Modifier, v)).ToList()))),
            SearchParamType.Date => RowIds(db.DateIndex.OfParameter(type, key).Where(PredicateComposer.Or(values.Select(v => ValuePredicates.DateValue(v, key, now)).ToList()))),
            SearchParamType.Number => RowIds(db.NumberIndex.OfParameter(type, key).Where(PredicateComposer.Or(values.Select(v => ValuePredicates.NumberValue(v, key)).ToList()))),
            SearchParamType.Quantity => RowIds(db.QuantityIndex.OfParameter(type, key).Where(PredicateComposer.Or(values.Select(v => ValuePredicates.QuantityValue(v, key)).ToList()))),
            SearchParamType.Reference => RowIds(db.ReferenceIndex.OfParameter(type, key).Where(PredicateComposer.Or(values.Select(v => ValuePredicates.ReferenceTarget(criterion.Modifier, v, baseUrl)).ToList()))),
            SearchParamType.Uri => RowIds(db.UriIndex.OfParameter(type, key).Where(PredicateComposer.Or(values.Select(v => ValuePredicates.UriValue(criterion.Modifier, v)).ToList()))),
            SearchParamType.Composite => RowIds(db.CompositeIndex.OfParameter(type, key).Where(PredicateComposer.Or(values.Select(v => ValuePredicates.CompositeValue(criterion, v, key, now)).ToList()))),
            _ => null,
        };
    }

    private static IQueryable<long> RowIds<T>(IQueryable<T> rows)
        where T : IndexRow => rows.Select(x => x.RowId);

    private Expr SpecialPredicate(string? type, SearchParameterDefinition parameter, SearchValue value)
    {
        var key = parameter.Code;
        switch (parameter.Special)
        {
            case SpecialSearch.Near:
                var near = NearValue.Parse(value, key, options.Value.NearDefaultDistance);
                return Exists(db.PositionIndex.OfParameter(type, key).Where(SpecialPredicates.Near(near)));
            case SpecialSearch.OpenAt:
                // Open then: hours that day cover the minute, and nothing rules that instant out.
                var at = WallClockValue.Parse(value, key, options.Value.Zone());
                var instant = at.ToInstant();
                var moment = new FhirDateRange(instant, instant + NodaTime.Duration.FromTicks(1));
                var schedule = db.ScheduleIndex.OfParameter(type, key);
                return PredicateComposer.And([
                    Exists(schedule.Where(SpecialPredicates.OpenAt(at))),
                    PredicateComposer.Not(Exists(schedule.Where(SpecialPredicates.NotInEffect(moment)))),
                ]);
            case SpecialSearch.InEffect:
                var range = SearchValueCheck.Date(value, key);
                return PredicateComposer.Not(Exists(db.ScheduleIndex.OfParameter(type, key).Where(SpecialPredicates.NotInEffect(range))));
            default:
                throw FhirException.BadRequest($"The special parameter '{key}' is not supported.", key);
        }
    }

    private Expr Exists<T>(IQueryable<T> rows)
        where T : IndexRow => _isOneByOne ? OneByOne(rows) : In(RowIds(rows));

    /// <summary>
    /// <c>row_id IN (SELECT row_id ...)</c> rather than a correlated EXISTS: SQLite then runs the
    /// sub-query once instead of once per candidate row, and PostgreSQL plans both as a semi-join.
    /// </summary>
    private Expr In(IQueryable<long> rowIds)
    {
        if (_isOneByOne)
        {
            var fence = 0;
            return r => rowIds.Where(id => id == r.RowId).Skip(fence).Any();
        }

        return r => rowIds.Contains(r.RowId);
    }

    /// <summary>
    /// <c>EXISTS (SELECT ... WHERE row_id = r.row_id OFFSET @fence)</c>: a sub-query with an OFFSET
    /// is never pulled up into a join (PostgreSQL's simplify_EXISTS_query), so it runs for each
    /// candidate as an index probe; the offset is a parameter holding 0.
    /// </summary>
    private static Expr OneByOne<T>(IQueryable<T> rows)
        where T : IndexRow
    {
        var fence = 0;
        return r => rows.Where(x => x.RowId == r.RowId).Skip(fence).Any();
    }
}
