using System.Linq.Expressions;
using FhirMh.FhirServer.Search.Indexing;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// Moves a predicate written for one index row type (e.g. a date comparison on
/// <see cref="DateIndexRow"/>) onto the matching columns of a <see cref="CompositeIndexRow"/>,
/// so composite components are compared exactly like plain parameters of their type.
/// </summary>
internal sealed class ComponentRewriter : ExpressionVisitor
{
    private static readonly ParameterExpression Composite = Expression.Parameter(typeof(CompositeIndexRow), "c");

    private readonly ParameterExpression _from;
    private readonly IReadOnlyDictionary<string, string> _columns;

    private ComponentRewriter(ParameterExpression from, IReadOnlyDictionary<string, string> columns)
    {
        _from = from;
        _columns = columns;
    }

    public static Expression<Func<CompositeIndexRow, bool>> Rewrite<T>(Expression<Func<T, bool>> predicate, IReadOnlyDictionary<string, string> columns) =>
        Expression.Lambda<Func<CompositeIndexRow, bool>>(new ComponentRewriter(predicate.Parameters[0], columns).Visit(predicate.Body), Composite);

    protected override Expression VisitMember(MemberExpression node)
    {
        if (node.Expression != _from)
        {
            return base.VisitMember(node);
        }

        if (!_columns.TryGetValue(node.Member.Name, out var column))
        {
            throw new InvalidOperationException($"No composite column for {node.Member.Name}.");
        }

        var property = Expression.Property(Composite, column);
        return property.Type == node.Type ? property : Expression.Convert(property, node.Type);
    }

    protected override Expression VisitParameter(ParameterExpression node) => node == _from ? Composite : base.VisitParameter(node);
}
