using System.Linq.Expressions;
using FhirMh.FhirServer.Security;
using FhirMh.FhirServer.Storage;
using Expr = System.Linq.Expressions.Expression<System.Func<FhirMh.FhirServer.Storage.ResourceRow, bool>>;

namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// Consent as SQL over the consent index (<see cref="ConsentModel"/>), so that it is decided in
/// the query, before paging. A row of patient P is hidden from the caller when
/// <list type="bullet">
/// <item>P has no effective consent (none, or its root provision's period is not now) and the
/// default policy denies; or</item>
/// <item>some deny provision of P's consent applies to the caller and the row, and no deeper permit
/// provision does (the deepest provision that applies decides; at equal depth deny wins).</item>
/// </list>
/// A provision applies when each of its conditions, and its parents', has a value that matches:
/// actor, purpose, action, period (now) for the caller; class, security label, code, data period
/// and data reference for the row. The caller's own patient is never hidden from it.
/// On PostgreSQL the test of one patient's consent is the function of <see cref="ConsentFunction"/>,
/// the same test in SQL, planned once per session rather than with every search.
/// </summary>
internal static class ConsentPredicates
{
    public static Expr Visible(FhirDbContext db, ConsentCriterion consent)
    {
        var own = consent.OwnPatient;
        var parameters = consent.CompartmentParameters.ToList();
        Expr visible = consent.ResourceType == "Patient"
            ? r => r.ResourceId == own || !Marker.Denied(r.ResourceId, r)
            : r => !db.ReferenceIndex.Any(x => x.RowId == r.RowId && x.TargetType == "Patient" && parameters.Contains(x.Param) && x.TargetId != own && Marker.Denied(x.TargetId!, r));
        return (Expr)new MarkerInliner(Denied(db, consent)).Visit(visible);
    }

    /// <summary>Whether the row is hidden by the consent of patient p, as (p, row) =&gt; bool.</summary>
    private static Expression<Func<string, ResourceRow, bool>> Denied(FhirDbContext db, ConsentCriterion c)
    {
        if (db.IsPostgres)
        {
            string[] callerActors = [.. c.Actors], callerPurposes = [.. c.Purposes], callerActions = [.. c.Actions];
            var (at, isDenyByDefault, parameter) = (c.Now, c.IsDenyByDefault, c.DataDateParameter);
            return (p, r) => ConsentFunction.Denies(p, r.RowId, r.ResourceType, r.ResourceId, callerActors, callerPurposes, callerActions, at, isDenyByDefault, parameter);
        }

        var nodes = db.Set<ConsentProvisionRow>();
        var conditions = db.Set<ConsentConditionRow>();
        var values = db.Set<ConsentValueRow>();
        var actors = c.Actors.ToList();
        var purposes = c.Purposes.ToList();
        var actions = c.Actions.ToList();
        var now = c.Now;
        var denyByDefault = c.IsDenyByDefault;
        var dateParameter = c.DataDateParameter;
        const string period = ConsentKinds.Period, actor = ConsentKinds.Actor, purpose = ConsentKinds.Purpose, action = ConsentKinds.Action,
            kind = ConsentKinds.Class, label = ConsentKinds.Label, code = ConsentKinds.Code, dataPeriod = ConsentKinds.DataPeriod, data = ConsentKinds.Data;

        // A condition of node n (at some level) is met by the caller and the row r.
        Expression<Func<ConsentConditionRow, ResourceRow, bool>> met = (k, r) =>
            (k.Kind == period && (k.From == null || k.From <= now) && (k.To == null || k.To >= now)) ||
            (k.Kind == dataPeriod && db.DateIndex.Any(d => d.RowId == r.RowId && d.Param == dateParameter &&
                (k.From == null || d.Start >= k.From) && (k.To == null || d.End <= k.To))) ||
            (k.Kind != period && k.Kind != dataPeriod && values.Any(v => v.PatientId == k.PatientId && v.Node == k.Node && v.Level == k.Level && v.Kind == k.Kind &&
                ((v.Kind == actor && actors.Contains(v.Value)) ||
                 (v.Kind == purpose && purposes.Contains(v.Value)) ||
                 (v.Kind == action && actions.Contains(v.Value)) ||
                 (v.Kind == kind && v.Value == r.ResourceType) ||
                 (v.Kind == data && v.System == r.ResourceType && v.Value == r.ResourceId) ||
                 (v.Kind == label && db.TokenIndex.Any(t => t.RowId == r.RowId && t.Param == "_security" && t.System == v.System && t.Code == v.Value)) ||
                 (v.Kind == code && db.TokenIndex.Any(t => t.RowId == r.RowId && t.Param == "code" && t.System == v.System && t.Code == v.Value)))));

        Expression<Func<string, ResourceRow, bool>> denied = (p, r) =>
            (denyByDefault && !nodes.Any(n => n.PatientId == p && n.Depth == 0 &&
                !conditions.Any(k => k.PatientId == n.PatientId && k.Node == n.Node && !Marker.Met(k, r)))) ||
            nodes.Any(d => d.PatientId == p && d.IsDeny &&
                !conditions.Any(k => k.PatientId == d.PatientId && k.Node == d.Node && !Marker.Met(k, r)) &&
                !nodes.Any(q => q.PatientId == d.PatientId && !q.IsDeny && q.Depth > d.Depth &&
                    !conditions.Any(k => k.PatientId == q.PatientId && k.Node == q.Node && !Marker.Met(k, r))));
        return (Expression<Func<string, ResourceRow, bool>>)new MarkerInliner(met).Visit(denied);
    }

    /// <summary>Stand-ins that <see cref="MarkerInliner"/> replaces with their expressions; never run.</summary>
    private static class Marker
    {
        public static bool Denied(string patientId, ResourceRow row) => throw new InvalidOperationException("Only inside a consent expression.");

        public static bool Met(ConsentConditionRow condition, ResourceRow row) => throw new InvalidOperationException("Only inside a consent expression.");
    }

    /// <summary>Replaces each call of a marker with the body of <paramref name="lambda"/>, its parameters bound to the call's arguments (EF Core cannot translate an Invoke).</summary>
    private sealed class MarkerInliner(LambdaExpression lambda) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(Marker) && node.Arguments.Count == lambda.Parameters.Count &&
                node.Arguments.Select(a => a.Type).SequenceEqual(lambda.Parameters.Select(p => p.Type)))
            {
                var arguments = node.Arguments.Select(Visit).ToList();
                return new Binder(lambda.Parameters, arguments!).Visit(lambda.Body);
            }

            return base.VisitMethodCall(node);
        }
    }

    private sealed class Binder(IReadOnlyList<ParameterExpression> parameters, IReadOnlyList<Expression> arguments) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node)
        {
            var index = parameters.ToList().IndexOf(node);
            return index >= 0 ? arguments[index] : base.VisitParameter(node);
        }
    }
}
