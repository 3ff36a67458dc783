using System.Linq.Expressions;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>Combines predicates into one expression tree that EF Core translates (no Invoke, which it cannot).</summary>
internal static class PredicateComposer
{
    public static Expression<Func<T, bool>> Or<T>(IReadOnlyList<Expression<Func<T, bool>>> predicates) =>
        Combine(predicates, Expression.OrElse);

    public static Expression<Func<T, bool>> And<T>(IReadOnlyList<Expression<Func<T, bool>>> predicates) =>
        Combine(predicates, Expression.AndAlso);

    public static Expression<Func<T, bool>> Not<T>(Expression<Func<T, bool>> predicate) =>
        Expression.Lambda<Func<T, bool>>(Expression.Not(predicate.Body), predicate.Parameters);

    private static Expression<Func<T, bool>> Combine<T>(
        IReadOnlyList<Expression<Func<T, bool>>> predicates, Func<Expression, Expression, BinaryExpression> combine)
    {
        var parameter = predicates[0].Parameters[0];
        var body = predicates[0].Body;
        for (var i = 1; i < predicates.Count; i++)
        {
            body = combine(body, new ParameterReplacer(predicates[i].Parameters[0], parameter).Visit(predicates[i].Body));
        }

        return Expression.Lambda<Func<T, bool>>(body, parameter);
    }

    private sealed class ParameterReplacer(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
