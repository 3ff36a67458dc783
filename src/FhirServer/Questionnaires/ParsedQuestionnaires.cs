using System.Collections.Concurrent;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Storage;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Parsed Questionnaires by the row of the version they were parsed from: every response is
/// checked against its questionnaire, and parsing a PHQ-9 for each one would cost more than the
/// check. A row is one version and never changes, so an entry cannot go stale; a new version is
/// a new row. Callers must not change what they get.
/// </summary>
internal sealed class ParsedQuestionnaires(FhirSerializers serializers)
{
    private const int Capacity = 1000;

    private readonly ConcurrentDictionary<long, Questionnaire> _byRow = new();

    public async Task<Questionnaire> GetAsync(FhirDbContext db, long rowId, CancellationToken cancellationToken)
    {
        if (_byRow.TryGetValue(rowId, out var cached))
        {
            return cached;
        }

        var json = await db.Resources.Where(r => r.RowId == rowId).Select(r => r.Json!).SingleAsync(cancellationToken);
        var questionnaire = (Questionnaire)serializers.ParseJson(json);
        if (_byRow.Count >= Capacity)
        {
            _byRow.Clear(); // a server with this many questionnaire versions in use re-parses now and then
        }

        _byRow[rowId] = questionnaire;
        return questionnaire;
    }
}
