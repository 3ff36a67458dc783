using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.ClientRegistry;

/// <summary>
/// Matching on write: every create, update, patch or bundle entry of a source Patient is matched
/// inside its database transaction. Before the write the record's blocking keys are locked, its
/// candidates scored and its golden record chosen, so the stored source already links to it;
/// after the write the registry rows are saved and the golden records concerned recomputed.
/// Golden records themselves (tagged golden-record) are never matched as sources.
/// </summary>
internal sealed class PatientRegistration(
    FhirDbContext db,
    PatientMatchRules rules,
    RegistryRecords records,
    GoldenCandidates candidates,
    GoldenRecords goldens,
    RegistryTags tags,
    CanonicalBase canonical,
    IOptions<ClientRegistryOptions> options)
{
    public bool IsEnabled => options.Value.Enabled;

    public bool Applies(Resource resource) => IsEnabled && resource is Patient;

    /// <summary>The extension on a source's link to its golden record saying how the link was made.</summary>
    public string LinkExtensionUrl => canonical.Of("StructureDefinition/registry-link");

    /// <summary>
    /// Chooses the golden record of <paramref name="patient"/> (whose id is null on a create) and
    /// sets its link and tags. Must run inside the store transaction of the write.
    /// </summary>
    /// <exception cref="FhirException">409 or 422 for a write of a golden record: the registry maintains them from their sources.</exception>
    public async Task<Registration> BeforeWriteAsync(Patient patient, CancellationToken cancellationToken)
    {
        if (tags.Has(patient, RegistryTags.GoldenRecord))
        {
            throw FhirException.Of(
                StatusCodes.Status422UnprocessableEntity,
                OperationOutcome.IssueType.BusinessRule,
                "The golden-record tag is the registry's own: golden records are built from their source records, not written by clients.",
                "Patient.meta.tag");
        }

        var ruleSet = await rules.CurrentAsync(db, cancellationToken);
        var record = ruleSet.Extract(patient.Id ?? string.Empty, patient);
        var prepared = ruleSet.Matcher.Prepare(record);
        var keys = ruleSet.Matcher.BlockingKeys(prepared);
        await records.LockAsync(keys, cancellationToken);

        // Read under the locks, so a registration of the same record that ran first is seen. An
        // id without a registry row is a new source, or a golden record.
        var current = patient.Id is { } id ? await records.FindAsync(id, cancellationToken) : null;
        if (current is null && patient.Id is { } target && await records.IsGoldenAsync(target, cancellationToken))
        {
            throw GoldenIsMaintained(target);
        }

        var excluded = current is null ? new HashSet<string>() : await records.CannotLinksAsync(current.SourceId, cancellationToken);
        var scored = await candidates.ScoreAsync(ruleSet, prepared, keys, excluded, cancellationToken);

        string goldenId;
        string method;
        double? score;
        var top = scored.Count > 0 ? scored[0] : null;
        if (current is { Method: LinkMethods.Manual } && !excluded.Contains(current.GoldenId))
        {
            (goldenId, method, score) = (current.GoldenId, LinkMethods.Manual, current.Score);
        }
        else if (top is not null && top.Score.Weight >= ruleSet.Rules.UpperThreshold)
        {
            (goldenId, method, score) = (top.GoldenId, LinkMethods.Auto, top.Score.Weight);
        }
        else if (current is not null && !excluded.Contains(current.GoldenId) && (await records.SourcesOfAsync(current.GoldenId, cancellationToken)).All(s => s.SourceId == current.SourceId))
        {
            // Alone in its golden record and still matching nothing for certain: it keeps it.
            (goldenId, method, score) = (current.GoldenId, LinkMethods.New, null);
        }
        else
        {
            (goldenId, method, score) = (ResourceStore.NewId(), LinkMethods.New, null);
        }

        var potentials = scored.Where(s => s.GoldenId != goldenId && s.Score.Weight >= ruleSet.Rules.LowerThreshold).ToList();
        SetLink(patient, goldenId, method, score, ruleSet.Version);
        tags.Set(patient, RegistryTags.SourceRecord, isOn: true);
        tags.Set(patient, RegistryTags.PossibleDuplicate, isOn: potentials.Count > 0);
        return new Registration(patient, ruleSet, record, keys, goldenId, method, score, potentials, current?.GoldenId);
    }

    /// <summary>Records the written source and recomputes the golden records it joined and left.</summary>
    public async Task AfterWriteAsync(Registration registration, StoredVersion written, CancellationToken cancellationToken)
    {
        var sourceId = written.ResourceId;
        var source = new SourcePatient(sourceId, registration.Patient, written.LastUpdated);
        var row = new RegistryRecordRow
        {
            SourceId = sourceId,
            GoldenId = registration.GoldenId,
            Fields = RegistryRecords.FieldsJson(registration.Record),
            Systems = string.Join(' ', source.Systems.Distinct()),
            RuleVersion = registration.Rules.Version,
            Score = registration.Score,
            Method = registration.Method,
        };
        var potentials = registration.Potentials
            .Select(p => new PotentialMatchRow { SourceId = sourceId, GoldenId = p.GoldenId, Score = p.Score.Weight, RuleVersion = registration.Rules.Version })
            .ToList();
        await records.SaveAsync(row, registration.Keys, potentials, cancellationToken);

        var affected = new List<string> { registration.GoldenId };
        if (registration.PreviousGoldenId is { } previous && previous != registration.GoldenId)
        {
            affected.Add(previous);
        }

        await records.LockGoldenAsync(affected, cancellationToken);
        foreach (var goldenId in affected)
        {
            await goldens.RecomputeAsync(goldenId, source, cancellationToken);
        }
    }

    /// <exception cref="FhirException">409 when <paramref name="id"/> is a golden record that still has sources.</exception>
    public async Task BeforeDeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (await records.IsGoldenAsync(id, cancellationToken))
        {
            throw GoldenIsMaintained(id);
        }
    }

    /// <summary>A deleted source leaves its golden record, which is recomputed (or deleted with its last source).</summary>
    public async Task AfterDeleteAsync(string sourceId, CancellationToken cancellationToken)
    {
        if (await records.FindAsync(sourceId, cancellationToken) is not { } record)
        {
            return;
        }

        await records.RemoveAsync(sourceId, cancellationToken);
        await records.LockGoldenAsync([record.GoldenId], cancellationToken);
        await goldens.RecomputeAsync(record.GoldenId, null, cancellationToken);
    }

    private static FhirException GoldenIsMaintained(string id) => FhirException.Conflict(
        $"Patient/{id} is a golden record: the registry maintains it from its source records. Change a source, or link or unlink sources with $link-golden-record and $cannot-link.");

    /// <summary>
    /// Replaces the source's refer link with one to <paramref name="goldenId"/>
    /// (patient.html#links: refer, "the other patient resource is the one that should be used").
    /// </summary>
    private void SetLink(Patient patient, string goldenId, string method, double? score, string ruleVersion)
    {
        patient.Link.RemoveAll(l => l.Type == Patient.LinkType.Refer);
        var link = new Patient.LinkComponent { Type = Patient.LinkType.Refer, Other = new ResourceReference($"Patient/{goldenId}") };
        var details = new Extension { Url = LinkExtensionUrl };
        details.Extension.Add(new Extension("method", new Code(method)));
        if (score is { } weight)
        {
            details.Extension.Add(new Extension("score", new FhirDecimal((decimal)Math.Round(weight, 4))));
        }

        details.Extension.Add(new Extension("ruleVersion", new FhirString(ruleVersion)));
        link.Extension.Add(details);
        patient.Link.Add(link);
    }
}
