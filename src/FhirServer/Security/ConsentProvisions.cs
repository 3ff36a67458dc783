using FhirMh.FhirServer.Search;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// Flattens a Consent's provision tree (consent.html#provision) into index rows. The root's type is
/// the base decision; when it has none (R4's text leaves it to nested rules) it is the opposite of
/// its nested provisions', as IHE Privacy Consent on FHIR reads it. Each node carries its own
/// conditions and those of every enclosing provision.
/// </summary>
internal static class ConsentProvisions
{
    /// <summary>The claim value by which a Consent names a client application as its actor: <c>actor.reference.identifier</c> with this system.</summary>
    public const string ClientIdSystem = "urn:ietf:params:oauth:client-id";

    public static (List<ConsentProvisionRow> Nodes, List<ConsentConditionRow> Conditions, List<ConsentValueRow> Values) Flatten(string patientId, string consentId, Consent consent)
    {
        var result = (Nodes: new List<ConsentProvisionRow>(), Conditions: new List<ConsentConditionRow>(), Values: new List<ConsentValueRow>());
        if (consent.Provision is not { } root)
        {
            return result;
        }

        var rootIsDeny = root.Type switch
        {
            Consent.ConsentProvisionType.Deny => true,
            Consent.ConsentProvisionType.Permit => false,

            // No base decision given: nested permits are exceptions to a deny, and the other way round.
            _ => root.Provision.Count > 0 && root.Provision.All(p => p.Type == Consent.ConsentProvisionType.Permit),
        };
        Walk(root, depth: 0, rootIsDeny, inherited: [], patientId, consentId, result);
        return result;
    }

    private static void Walk(
        Consent.provisionComponent provision,
        int depth,
        bool isDeny,
        List<(ConsentConditionRow Condition, List<ConsentValueRow> Values)> inherited,
        string patientId,
        string consentId,
        (List<ConsentProvisionRow> Nodes, List<ConsentConditionRow> Conditions, List<ConsentValueRow> Values) result)
    {
        var node = result.Nodes.Count;
        var all = inherited.Concat(Conditions(provision, depth, patientId)).ToList();
        result.Nodes.Add(new ConsentProvisionRow { PatientId = patientId, Node = node, ConsentId = consentId, Depth = depth, IsDeny = isDeny });
        foreach (var (condition, values) in all)
        {
            result.Conditions.Add(new ConsentConditionRow { PatientId = patientId, Node = node, Level = condition.Level, Kind = condition.Kind, From = condition.From, To = condition.To });
            result.Values.AddRange(values.Select(v => new ConsentValueRow { PatientId = patientId, Node = node, Level = v.Level, Kind = v.Kind, System = v.System, Value = v.Value }));
        }

        foreach (var nested in provision.Provision)
        {
            var nestedIsDeny = nested.Type is { } type ? type == Consent.ConsentProvisionType.Deny : isDeny;
            Walk(nested, depth + 1, nestedIsDeny, all, patientId, consentId, result);
        }
    }

    private static IEnumerable<(ConsentConditionRow Condition, List<ConsentValueRow> Values)> Conditions(Consent.provisionComponent provision, int level, string patientId)
    {
        (ConsentConditionRow, List<ConsentValueRow>) Condition(string kind, IEnumerable<(string System, string Value)> values, Instant? from = null, Instant? to = null) =>
            (new ConsentConditionRow { PatientId = patientId, Kind = kind, Level = level, From = from, To = to },
             values.Distinct().Select(v => new ConsentValueRow { PatientId = patientId, Kind = kind, Level = level, System = v.System, Value = v.Value }).ToList());

        if (provision.Period is { } period)
        {
            var (from, to) = Bounds(period);
            yield return Condition(ConsentKinds.Period, [], from, to);
        }

        if (provision.DataPeriod is { } dataPeriod)
        {
            var (from, to) = Bounds(dataPeriod);
            yield return Condition(ConsentKinds.DataPeriod, [], from, to);
        }

        if (provision.Actor.Count > 0)
        {
            yield return Condition(ConsentKinds.Actor, provision.Actor.Select(a => Actor(a.Reference)).OfType<string>().Select(a => (string.Empty, a)));
        }

        if (provision.Action.Count > 0)
        {
            yield return Condition(ConsentKinds.Action, provision.Action.SelectMany(a => a.Coding).Where(c => c.Code is not null).Select(c => (string.Empty, c.Code!)));
        }

        if (provision.Purpose.Count > 0)
        {
            yield return Condition(ConsentKinds.Purpose, provision.Purpose.Where(c => c.Code is not null).Select(c => (string.Empty, c.Code!)));
        }

        if (provision.Class.Count > 0)
        {
            yield return Condition(ConsentKinds.Class, provision.Class.Where(c => c.Code is not null).Select(c => (string.Empty, c.Code!)));
        }

        if (provision.SecurityLabel.Count > 0)
        {
            yield return Condition(ConsentKinds.Label, provision.SecurityLabel.Where(c => c.Code is not null).Select(c => (c.System ?? string.Empty, c.Code!)));
        }

        if (provision.Code.Count > 0)
        {
            yield return Condition(ConsentKinds.Code, provision.Code.SelectMany(c => c.Coding).Where(c => c.Code is not null).Select(c => (c.System ?? string.Empty, c.Code!)));
        }

        if (provision.Data.Count > 0)
        {
            yield return Condition(ConsentKinds.Data, provision.Data
                .Select(d => d.Reference?.Reference is { } text ? ReferenceValue.Parse(text) : null)
                .Where(r => r?.TargetType is not null)
                .Select(r => (r!.TargetType!, r.TargetId!)));
        }
    }

    /// <summary>An actor as the caller's identities are written: <c>Type/id</c>, or <c>client:</c> and a client_id.</summary>
    public static string? Actor(ResourceReference? reference)
    {
        if (reference?.Identifier is { System: ClientIdSystem, Value: { } clientId })
        {
            return ClientActor(clientId);
        }

        return reference?.Reference is { } text && ReferenceValue.Parse(text) is { TargetType: { } type, TargetId: { } id }
            ? $"{type}/{id}"
            : null;
    }

    public static string ClientActor(string clientId) => "client:" + clientId;

    /// <summary>A period's bounds as instants: a partial date covers its whole precision (a date of 2026 runs to the end of 2026).</summary>
    private static (Instant? From, Instant? To) Bounds(Period period) =>
        (FhirDateRange.TryParse(period.Start, out var start) ? start.Start : null,
         FhirDateRange.TryParse(period.End, out var end) ? end.End : null);
}
