using System.Linq.Expressions;
using FhirMh.FhirServer.Search.Indexing;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>Points a comparison on <see cref="QuantityIndexRow.Value"/> at <see cref="QuantityIndexRow.CanonicalValue"/> instead.</summary>
internal sealed class CanonicalValueRewriter : ExpressionVisitor
{
    private static readonly System.Reflection.PropertyInfo CanonicalValue = typeof(QuantityIndexRow).GetProperty(nameof(QuantityIndexRow.CanonicalValue))!;

    protected override Expression VisitMember(MemberExpression node) =>
        node.Member.Name == nameof(QuantityIndexRow.Value) && node.Expression is ParameterExpression parameter
            ? Expression.Convert(Expression.Property(parameter, CanonicalValue), typeof(double))
            : base.VisitMember(node);
}
