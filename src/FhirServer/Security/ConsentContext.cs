using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// What consent needs to know about the caller of a request, gathered once: the actors it is
/// (<see cref="CallerActors"/>), its purposes of use, and whether break-the-glass is in force.
/// </summary>
internal sealed class ConsentContext(
    CallerContext callerContext,
    CompartmentDefinitions compartments,
    FhirDbContext db,
    IClock clock,
    IOptions<ConsentOptions> options,
    CallerActors callerActors)
{
    /// <summary>Reads are these Consent actions (consentaction: access, use); a provision naming only others does not govern reads.</summary>
    private static readonly string[] ReadActions = ["access", "use"];

    /// <summary>Types a consent does not hide: the consents themselves, which staff must be able to manage, and the audit trail, which <c>$disclosures</c> governs.</summary>
    private static readonly HashSet<string> Exempt = ["Consent", "AuditEvent"];

    private bool _isPrepared;
    private IReadOnlyList<string> _actors = [];

    /// <summary>When break-the-glass ends for this request's token; null when it is not in force.</summary>
    public Instant? BreakTheGlassUntil { get; private set; }

    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (_isPrepared)
        {
            return;
        }

        _isPrepared = true;
        var caller = callerContext.Current;
        if (caller.IsUnrestricted)
        {
            return;
        }

        _actors = await callerActors.OfCallerAsync(cancellationToken);
        if (callerContext.Purposes.Contains(BearerAuthentication.BreakTheGlass))
        {
            BreakTheGlassUntil = await BreakGlassAsync(caller, cancellationToken);
        }
    }

    /// <summary>The consent test for rows of <paramref name="resourceType"/>, or null when consent does not apply to them or to this caller now.</summary>
    public ConsentCriterion? Criterion(string resourceType)
    {
        var caller = callerContext.Current;
        if (caller.IsUnrestricted || BreakTheGlassUntil is not null || Exempt.Contains(resourceType))
        {
            return null;
        }

        var parameters = resourceType == "Patient" ? [] : compartments.ParametersOf("Patient", resourceType);
        if (resourceType != "Patient" && parameters.Count == 0)
        {
            return null; // Not any patient's data.
        }

        return new ConsentCriterion(
            resourceType,
            parameters,
            caller.PatientId ?? string.Empty,
            _actors,
            callerContext.Purposes,
            ReadActions,
            options.Value.DefaultPolicy == ConsentDecision.Deny,
            clock.GetCurrentInstant(),
            DataDateParameter(resourceType));
    }

    /// <summary>The date a Consent's dataPeriod is compared with: the type's clinical date.</summary>
    private static string DataDateParameter(string resourceType) => resourceType switch
    {
        "QuestionnaireResponse" => "authored",
        "Condition" => "recorded-date",
        _ => "date",
    };

    /// <summary>
    /// Starts, or finds, the break-the-glass grant of this token: it lasts the configured time from
    /// the token's first request asserting BTG, then the token may no longer assert it (403).
    /// </summary>
    private async Task<Instant> BreakGlassAsync(Caller caller, CancellationToken cancellationToken)
    {
        var key = caller.TokenKey ?? throw FhirException.Forbidden("Break-the-glass needs an identifiable access token.");
        var now = clock.GetCurrentInstant();
        var grant = await db.Set<BreakTheGlassRow>().AsNoTracking().FirstOrDefaultAsync(g => g.TokenKey == key, cancellationToken);
        if (grant is null)
        {
            grant = new BreakTheGlassRow
            {
                TokenKey = key,
                ClientId = caller.ClientId,
                Subject = caller.Subject,
                StartedAt = now,
                ExpiresAt = now + NodaTime.Duration.FromTimeSpan(options.Value.BreakTheGlassDuration),
            };
            db.Add(grant);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (UniqueViolation.Is(e))
            {
                // A parallel request of the same token started it; its grant stands.
                db.Entry(grant).State = EntityState.Detached;
                grant = await db.Set<BreakTheGlassRow>().AsNoTracking().FirstAsync(g => g.TokenKey == key, cancellationToken);
            }
            finally
            {
                db.Entry(grant).State = EntityState.Detached;
            }
        }

        if (grant.ExpiresAt <= now)
        {
            throw FhirException.Forbidden($"Break-the-glass for this access token ended at {grant.ExpiresAt}; a new token is needed to assert it again.");
        }

        return grant.ExpiresAt;
    }
}
