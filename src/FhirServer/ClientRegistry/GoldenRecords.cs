using FhirMh.FhirServer.Interactions;
using FhirMh.FhirServer.Operations;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// Keeps golden records in step with their sources, in the transaction that changed a source:
/// created with the first source, recomputed when a source joins, changes or leaves, deleted when
/// the last one leaves. A recomputation that changes nothing writes no new version.
/// </summary>
internal sealed class GoldenRecords(ResourceStore store, RegistryRecords records, GoldenRecordComposer composer, RegistryTags tags, FhirSerializers serializers)
{
    /// <param name="goldenId">The golden record to recompute.</param>
    /// <param name="written">The source just written in this transaction, used as it is rather than read back.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task RecomputeAsync(string goldenId, SourcePatient? written, CancellationToken cancellationToken)
    {
        var members = await records.SourcesOfAsync(goldenId, cancellationToken);
        var current = await store.ReadCurrentAsync("Patient", goldenId, cancellationToken);
        if (members.Count == 0)
        {
            if (current is { IsDeleted: false })
            {
                await store.DeleteAsync("Patient", goldenId, Preconditions.None, cancellationToken);
            }

            foreach (var sourceId in await records.ForgetGoldenAsync(goldenId, cancellationToken))
            {
                await LeaveReviewAsync(sourceId, cancellationToken);
            }

            return;
        }

        var sources = new List<SourcePatient>(members.Count);
        foreach (var member in members)
        {
            if (written is not null && member.SourceId == written.Id)
            {
                sources.Add(written);
            }
            else if (await store.ReadCurrentAsync("Patient", member.SourceId, cancellationToken) is { IsDeleted: false, Json: { } json } stored)
            {
                // The version is needed too (its time), so this reads it rather than StoredResources.
                sources.Add(new SourcePatient(member.SourceId, (Patient)serializers.ParseJson(json), stored.LastUpdated));
            }
        }

        var golden = composer.Compose(goldenId, sources);
        if (current is null)
        {
            await store.CreateAsync(golden, goldenId, cancellationToken);
        }
        else if (current.IsDeleted || current.Json is null || !IsSame(golden, (Patient)serializers.ParseJson(current.Json)))
        {
            await store.UpdateAsync(golden, Preconditions.None, "PUT", cancellationToken);
        }
    }

    /// <summary>A source whose last potential match went no longer waits for review: its tag goes, in a new version.</summary>
    private async Task LeaveReviewAsync(string sourceId, CancellationToken cancellationToken)
    {
        if (await StoredResources.ReadLiveAsync<Patient>(store, serializers, sourceId, cancellationToken) is { } source &&
            tags.Has(source, RegistryTags.PossibleDuplicate))
        {
            tags.Set(source, RegistryTags.PossibleDuplicate, isOn: false);
            await store.UpdateAsync(source, Preconditions.None, "PUT", cancellationToken);
        }
    }

    private static bool IsSame(Patient composed, Patient stored)
    {
        var left = (Patient)composed.DeepCopy();
        left.Meta = null;
        stored.Meta = null;
        return left.IsExactly(stored);
    }
}
