using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Search.Parsing;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// What the caller's scopes allow (SMART App Launch 2, scopes-and-launch-context.html): whether an
/// interaction on a type is allowed at all (<see cref="Demand"/>), and which rows of a type it
/// reaches (<see cref="Restriction"/>): a patient scope reaches the patient's compartment, a v2
/// scope with parameters reaches the resources matching them. Scopes only add up to what each one
/// grants; nothing here widens them.
/// </summary>
internal sealed class AccessRules(CallerContext callerContext, SearchParser parser, CompartmentDefinitions compartments, ConsentContext consent)
{
    private readonly Dictionary<(string, SmartPermissions), AccessCriterion?> _restrictions = [];

    public Caller Caller => callerContext.Current;

    /// <summary>403 unless some scope grants <paramref name="permission"/> on <paramref name="resourceType"/>.</summary>
    public void Demand(string resourceType, SmartPermissions permission)
    {
        if (!Caller.Granting(resourceType, permission).Any())
        {
            throw FhirException.Forbidden(
                $"The access token grants no scope with '{Letter(permission)}' on {resourceType} (e.g. user/{resourceType}.{Letter(permission)}).");
        }
    }

    /// <summary>
    /// The criterion the rows of <paramref name="resourceType"/> must meet to be within the scopes
    /// granting any of <paramref name="permissions"/>; null when they reach every row.
    /// </summary>
    public AccessCriterion? Restriction(string resourceType, SmartPermissions permissions)
    {
        if (Caller.IsUnrestricted)
        {
            return null;
        }

        if (!_restrictions.TryGetValue((resourceType, permissions), out var restriction))
        {
            restriction = Compute(resourceType, permissions);

            // Consent governs who sees a patient's data; writes are the scopes' business alone.
            if ((permissions & Changing) == 0 && consent.Criterion(resourceType) is { } consented)
            {
                restriction = (restriction ?? AccessCriterion.All) with { Consent = consented };
            }

            _restrictions[(resourceType, permissions)] = restriction;
        }

        return restriction;
    }

    private const SmartPermissions Changing = SmartPermissions.Create | SmartPermissions.Update | SmartPermissions.Delete;

    /// <summary>True when the scopes granting <paramref name="permissions"/> reach every resource of every type, as system-wide searches and history need.</summary>
    /// <summary>What the scopes alone restrict of <paramref name="resourceType"/> (patient context, parameters), without consent; null when they reach every row.</summary>
    public AccessCriterion? ScopeRestriction(string resourceType, SmartPermissions permissions) =>
        Caller.IsUnrestricted ? null : Compute(resourceType, permissions);

    /// <remarks>While consent applies (to anyone but an unrestricted caller, unless break-the-glass is in force), it is decided type by type, so a search or history across all types must name them.</remarks>
    public bool ReachesEverything(SmartPermissions permissions) =>
        Caller.IsUnrestricted ||
        (consent.BreakTheGlassUntil is not null &&
         Caller.Scopes.Any(s => s.ResourceType == "*" && (s.Permissions & permissions) != 0 && s.Context != SmartContext.Patient && s.Filter.Count == 0));

    private AccessCriterion? Compute(string resourceType, SmartPermissions permissions)
    {
        var alternatives = new List<IReadOnlyList<SearchCriterion>>();
        foreach (var scope in Caller.Granting(resourceType, permissions))
        {
            var criteria = new List<SearchCriterion>();
            if (scope.Context == SmartContext.Patient)
            {
                criteria.AddRange(PatientCompartment(resourceType, Caller.PatientId!));
            }

            if (scope.Filter.Count > 0)
            {
                if (!TryParseFilter(resourceType, scope.Filter, out var filter))
                {
                    // A scope whose parameters this server cannot apply grants nothing, rather than everything.
                    continue;
                }

                criteria.AddRange(filter);
            }

            if (criteria.Count == 0)
            {
                return null;
            }

            alternatives.Add(criteria);
        }

        return new AccessCriterion(alternatives);
    }

    /// <summary>
    /// The patient's own data (compartmentdefinition-patient.html): the Patient itself, or a
    /// resource referring to it through a compartment parameter. A type outside the Patient
    /// compartment (a Questionnaire, an Organization, a ValueSet) is about no patient, so a
    /// patient scope on it reaches it as the scope says.
    /// </summary>
    private List<SearchCriterion> PatientCompartment(string resourceType, string patientId)
    {
        if (resourceType == "Patient")
        {
            return parser.Parse(["Patient"], [new("_id", patientId)], isStrict: true).Criteria.ToList();
        }

        return compartments.ParametersOf("Patient", resourceType).Count == 0
            ? []
            : [compartments.Criterion("Patient", patientId, resourceType)];
    }

    private bool TryParseFilter(string resourceType, IReadOnlyList<KeyValuePair<string, string>> filter, out IReadOnlyList<SearchCriterion> criteria)
    {
        try
        {
            var parsed = parser.Parse([resourceType], filter, isStrict: true);
            criteria = parsed.Criteria;
            return parsed.Ignored.Count == 0;
        }
        catch (Exception e) when (e is FhirException or UnknownParameterException)
        {
            criteria = [];
            return false;
        }
    }

    private static string Letter(SmartPermissions permission) => permission switch
    {
        SmartPermissions.Create => "c",
        SmartPermissions.Read => "r",
        SmartPermissions.Update => "u",
        SmartPermissions.Delete => "d",
        SmartPermissions.Search => "s",
        _ => permission.ToString(),
    };
}
