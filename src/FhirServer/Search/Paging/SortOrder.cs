using System.Globalization;
using SortKey = FhirMh.FhirServer.Search.Parsing.SortKey;
using System.Linq.Expressions;
using System.Reflection;
using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Storage;
using SearchParamType = Hl7.Fhir.Model.SearchParamType;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Search.Paging;

/// <summary>
/// <c>_sort</c> (search.html#sort) as SQL: each key is the lowest value of the parameter for an
/// ascending sort and the highest for a descending one; resources without a value come last,
/// through a sentinel beyond every real value (so each key is computed once per row); the row id
/// breaks ties, so the order is total and keyset pages are exact.
/// </summary>
internal sealed class SortOrder
{
    private static readonly ParameterExpression Row = Expression.Parameter(typeof(ResourceRow), "r");
    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    private readonly List<(LambdaExpression Key, bool IsDescending)> _keys;

    public SortOrder(FhirDbContext db, IReadOnlyList<SortKey> keys)
    {
        _keys = keys.Select(k =>
        {
            // One parameter for every key, so that keys combine into one ORDER BY and one keyset condition.
            var key = KeyOf(db, k);
            var body = new RowReplacer(key.Parameters[0]).Visit(key.Body);
            return (Expression.Lambda(Expression.Coalesce(body, Missing(key.ReturnType, k.IsDescending)), Row), k.IsDescending);
        }).ToList();
    }

    /// <summary>The value that stands for "no value": after every real one in the sort's direction.</summary>
    private static ConstantExpression Missing(Type type, bool isDescending)
    {
        if (type == typeof(Instant?))
        {
            return Expression.Constant(MissingDate(isDescending));
        }

        if (type == typeof(double?))
        {
            return Expression.Constant(isDescending ? double.MinValue : double.MaxValue);
        }

        // Index values are never empty, and U+10FFFF is the last code point in byte order.
        return Expression.Constant(isDescending ? string.Empty : "\U0010FFFF", typeof(string));
    }

    /// <summary>The date that stands for "no value" in a date key, as page tokens carry it.</summary>
    internal static Instant MissingDate(bool isDescending) =>
        // Open Period ends are indexed as FhirDateRange.Latest, so a missing date sorts after those too.
        // No range ends at FhirDateRange.Earliest (only open starts are there), and an earlier
        // instant would be year 0, which PostgreSQL literals cannot spell.
        isDescending ? FhirDateRange.Earliest : FhirDateRange.Latest + NodaTime.Duration.FromHours(1);

    /// <summary>The rows in this order, or in the reverse order when reading a <c>previous</c> page.</summary>
    public IQueryable<ResourceRow> Apply(IQueryable<ResourceRow> query, bool isReversed)
    {
        IOrderedQueryable<ResourceRow>? ordered = null;
        foreach (var (key, isDescending) in _keys)
        {
            ordered = OrderBy(query, ordered, key, isDescending != isReversed);
        }

        return ordered is null
            ? (isReversed ? query.OrderByDescending(r => r.RowId) : query.OrderBy(r => r.RowId))
            : (isReversed ? ordered.ThenByDescending(r => r.RowId) : ordered.ThenBy(r => r.RowId));
    }

    /// <summary>Rows strictly after (or before) the boundary in this order.</summary>
    public IQueryable<ResourceRow> From(IQueryable<ResourceRow> query, SearchPageToken token)
    {
        if (token.Keys.Count != _keys.Count || token.Keys.Any(k => k is null))
        {
            throw Rest.FhirException.BadRequest("The page link does not belong to this search; start from the first page.", "_page");
        }

        var rowId = Expression.Property(Row, nameof(ResourceRow.RowId));
        Expression condition = token.IsBefore
            ? Expression.LessThan(rowId, Expression.Constant(token.RowId))
            : Expression.GreaterThan(rowId, Expression.Constant(token.RowId));
        for (var i = _keys.Count - 1; i >= 0; i--)
        {
            var (key, isDescending) = _keys[i];
            var value = Parse(token.Keys[i]!, key.ReturnType);
            var equal = Expression.Equal(key.Body, Expression.Constant(value, key.ReturnType));
            var beyond = Compare(key.Body, value, key.ReturnType, isAfter: token.IsBefore == isDescending);
            condition = Expression.OrElse(beyond, Expression.AndAlso(equal, condition));
        }

        return query.Where(Expression.Lambda<Func<ResourceRow, bool>>(condition, Row));
    }

    /// <summary>The sort values of one row, for the token of the page that starts after (or before) it.</summary>
    public async Task<List<string?>> KeysOfAsync(IQueryable<ResourceRow> rows, long rowId, CancellationToken cancellationToken)
    {
        var values = new List<string?>();
        var one = rows.Where(r => r.RowId == rowId);
        foreach (var (key, _) in _keys)
        {
            values.Add(key switch
            {
                Expression<Func<ResourceRow, Instant>> instant => Format(await one.Select(instant).FirstOrDefaultAsync(cancellationToken)),
                Expression<Func<ResourceRow, double>> number => Format(await one.Select(number).FirstOrDefaultAsync(cancellationToken)),
                Expression<Func<ResourceRow, string>> text => await one.Select(text).FirstOrDefaultAsync(cancellationToken),
                _ => throw new InvalidOperationException($"No sort key of type {key.ReturnType}."),
            });
        }

        return values;
    }

    /// <summary>A sort value as page tokens carry it.</summary>
    internal static string? Format(object? value) => value switch
    {
        null => null,
        Instant instant => instant.ToUnixTimeTicks().ToString(CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        string text => text,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>A sort value from a page token.</summary>
    /// <exception cref="Rest.FhirException">400 when the token's value is not of the key's type.</exception>
    internal static object Parse(string text, Type type)
    {
        try
        {
            return type == typeof(Instant) ? Instant.FromUnixTimeTicks(long.Parse(text, CultureInfo.InvariantCulture))
                : type == typeof(double) ? double.Parse(text, CultureInfo.InvariantCulture)
                : text;
        }
        catch (FormatException)
        {
            throw Rest.FhirException.BadRequest("The page link is damaged; start from the first page.", "_page");
        }
    }

    private static BinaryExpression Compare(Expression body, object value, Type type, bool isAfter)
    {
        if (type == typeof(string))
        {
            var compared = Expression.Call(StringCompare, body, Expression.Constant(value, typeof(string)));
            return isAfter ? Expression.GreaterThan(compared, Expression.Constant(0)) : Expression.LessThan(compared, Expression.Constant(0));
        }

        var constant = Expression.Constant(value, type);
        return isAfter ? Expression.GreaterThan(body, constant) : Expression.LessThan(body, constant);
    }

    private static IOrderedQueryable<ResourceRow> OrderBy(IQueryable<ResourceRow> query, IOrderedQueryable<ResourceRow>? ordered, LambdaExpression key, bool isDescending)
    {
        var name = (ordered is null, isDescending) switch
        {
            (true, false) => nameof(Queryable.OrderBy),
            (true, true) => nameof(Queryable.OrderByDescending),
            (false, false) => nameof(Queryable.ThenBy),
            (false, true) => nameof(Queryable.ThenByDescending),
        };
        var method = typeof(Queryable).GetMethods().First(m => m.Name == name && m.GetParameters().Length == 2)
            .MakeGenericMethod(typeof(ResourceRow), key.ReturnType);
        return (IOrderedQueryable<ResourceRow>)method.Invoke(null, [(object?)ordered ?? query, key])!;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "Keys are of three types (Instant?, double?, string?); callers switch on them.")]
    private static LambdaExpression KeyOf(FhirDbContext db, SortKey key)
    {
        var code = key.Parameter.Code;
        var descending = key.IsDescending;
        if (key.Near is { } near)
        {
            // The squared chord grows with the distance along the surface (Geo), so it orders alike.
            var positions = db.PositionIndex.OfRowParameter(code);
            var (x0, y0, z0) = Geo.UnitVector(near.Latitude, near.Longitude);
            return (Expression<Func<ResourceRow, double?>>)(r => positions.Where(x => x.RowId == r.RowId)
                .Select(x => (double?)(((x.X - x0) * (x.X - x0)) + ((x.Y - y0) * (x.Y - y0)) + ((x.Z - z0) * (x.Z - z0))))
                .OrderBy(d => d)
                .FirstOrDefault());
        }

        Expression<Func<ResourceRow, string?>> text;
        switch (key.Parameter.Type)
        {
            case SearchParamType.Date when code == "_lastUpdated":
                return (Expression<Func<ResourceRow, Instant?>>)(r => r.LastUpdated);
            case SearchParamType.Date:
                var dates = db.DateIndex.OfRowParameter(code);
                return descending
                    ? (Expression<Func<ResourceRow, Instant?>>)(r => dates.Where(x => x.RowId == r.RowId).OrderByDescending(x => x.End).Select(x => (Instant?)x.End).FirstOrDefault())
                    : r => dates.Where(x => x.RowId == r.RowId).OrderBy(x => x.Start).Select(x => (Instant?)x.Start).FirstOrDefault();
            case SearchParamType.Number:
                var numbers = db.NumberIndex.OfRowParameter(code);
                return descending
                    ? (Expression<Func<ResourceRow, double?>>)(r => numbers.Where(x => x.RowId == r.RowId).OrderByDescending(x => x.Value).Select(x => (double?)x.Value).FirstOrDefault())
                    : r => numbers.Where(x => x.RowId == r.RowId).OrderBy(x => x.Value).Select(x => (double?)x.Value).FirstOrDefault();
            case SearchParamType.Quantity:
                var quantities = db.QuantityIndex.OfRowParameter(code);
                return descending
                    ? (Expression<Func<ResourceRow, double?>>)(r => quantities.Where(x => x.RowId == r.RowId).OrderByDescending(x => x.Value).Select(x => (double?)x.Value).FirstOrDefault())
                    : r => quantities.Where(x => x.RowId == r.RowId).OrderBy(x => x.Value).Select(x => (double?)x.Value).FirstOrDefault();
            case SearchParamType.Token when code == "_id":
                return (Expression<Func<ResourceRow, string?>>)(r => r.ResourceId);
            case SearchParamType.String:
                var strings = db.StringIndex.OfRowParameter(code);
                text = descending
                    ? r => strings.Where(x => x.RowId == r.RowId).OrderByDescending(x => x.Value).Select(x => x.Value).FirstOrDefault()
                    : r => strings.Where(x => x.RowId == r.RowId).OrderBy(x => x.Value).Select(x => x.Value).FirstOrDefault();
                return text;
            case SearchParamType.Token:
                var tokens = db.TokenIndex.OfRowParameter(code);
                text = descending
                    ? r => tokens.Where(x => x.RowId == r.RowId).OrderByDescending(x => x.Code).Select(x => x.Code).FirstOrDefault()
                    : r => tokens.Where(x => x.RowId == r.RowId).OrderBy(x => x.Code).Select(x => x.Code).FirstOrDefault();
                return text;
            case SearchParamType.Reference:
                var references = db.ReferenceIndex.OfRowParameter(code);
                text = descending
                    ? r => references.Where(x => x.RowId == r.RowId).OrderByDescending(x => x.TargetId).Select(x => x.TargetId).FirstOrDefault()
                    : r => references.Where(x => x.RowId == r.RowId).OrderBy(x => x.TargetId).Select(x => x.TargetId).FirstOrDefault();
                return text;
            default:
                var uris = db.UriIndex.OfRowParameter(code);
                text = descending
                    ? r => uris.Where(x => x.RowId == r.RowId).OrderByDescending(x => x.Value).Select(x => x.Value).FirstOrDefault()
                    : r => uris.Where(x => x.RowId == r.RowId).OrderBy(x => x.Value).Select(x => x.Value).FirstOrDefault();
                return text;
        }
    }

    private sealed class RowReplacer(ParameterExpression from) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? Row : base.VisitParameter(node);
    }
}
