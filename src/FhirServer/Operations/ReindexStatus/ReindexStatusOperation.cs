using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Stored;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Operations.ReindexStatus;

/// <summary>
/// <c>GET [base]/SearchParameter/[id]/$reindex-status</c>, an operation of this server: how far
/// the indexing of the resources that existed before the current version of a stored
/// SearchParameter has got. An operation rather than an extension on the SearchParameter, so
/// that the stored resource stays as the client wrote it (operations.html).
/// </summary>
internal sealed class ReindexStatusOperation(FhirDbContext db) : IFhirOperation
{
    public const string Name = "reindex-status";

    public async Task<FhirResponse> HandleAsync(FhirRequest request, CancellationToken cancellationToken)
    {
        var id = request.Id!;
        var current = await CurrentVersionReader.ReadAsync(db, StoredSearchParameters.ResourceType, id, cancellationToken)
            ?? throw FhirException.NotFound($"SearchParameter/{id} does not exist.");
        if (current.IsDeleted)
        {
            throw FhirException.Gone($"SearchParameter/{id} was deleted.");
        }

        var job = await db.ReindexJobs.AsNoTracking()
            .Where(j => j.SearchParameterId == id && j.SearchParameterVersion == current.VersionId)
            .OrderByDescending(j => j.Id)
            .FirstOrDefaultAsync(cancellationToken);

        var result = new Parameters();
        result.Add("searchParameterVersion", new Integer(current.VersionId));
        if (job is null)
        {
            // Not active, composite or special, or a copy of a parameter this server defines itself.
            result.Add("status", new Code("not-indexed"));
            return FhirResponse.Of(StatusCodes.Status200OK, result);
        }

        result.Add("status", new Code(job.Status.ToString().ToLowerInvariant()));
        result.Add("code", new Code(job.Code));
        foreach (var type in job.Types)
        {
            result.Add("resourceType", new Code(type));
        }

        result.Add("processed", new Integer(Clamp(job.Processed)));
        if (job.Total is { } total)
        {
            result.Add("total", new Integer(Clamp(total)));
        }

        result.Add("created", InstantOf(job.CreatedAt));
        if (job.StartedAt is { } started)
        {
            result.Add("started", InstantOf(started));
        }

        if (job.FinishedAt is { } finished)
        {
            result.Add("finished", InstantOf(finished));
        }

        return FhirResponse.Of(StatusCodes.Status200OK, result);
    }

    private static int Clamp(long value) => (int)Math.Min(value, int.MaxValue);

    private static Hl7.Fhir.Model.Instant InstantOf(Instant instant) => new(instant.ToDateTimeOffset());
}
