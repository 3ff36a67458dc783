using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;
using Microsoft.EntityFrameworkCore;

namespace FhirMh.FhirServer.Questionnaires;

/// <summary>
/// Finds the Questionnaire a response answers: <c>QuestionnaireResponse.questionnaire</c> is a
/// canonical, version-specific when it carries <c>|version</c> (the exact version is then
/// required); without one, the newest active version (questionnaireresponse.html, SDC).
/// </summary>
internal sealed class QuestionnaireLookup(FhirDbContext db, ParsedQuestionnaires parsed)
{
    public async Task<Questionnaire?> FindAsync(string canonical, CancellationToken cancellationToken)
    {
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        var url = bar < 0 ? canonical : canonical[..bar];
        var version = bar < 0 ? null : canonical[(bar + 1)..];

        // Row ids first: a stored version never changes, so its parsed form is reused while its row is current.
        var rows = await StoredCanonicals.WithUrl(db, url, ["Questionnaire"])
            .Select(r => r.RowId)
            .Take(100)
            .ToListAsync(cancellationToken);
        var questionnaires = new List<Questionnaire>(rows.Count);
        foreach (var row in rows)
        {
            questionnaires.Add(await parsed.GetAsync(db, row, cancellationToken));
        }

        if (version is not null)
        {
            return questionnaires.FirstOrDefault(q => q.Version == version);
        }

        return questionnaires
            .Where(q => q.Status == PublicationStatus.Active)
            .OrderByDescending(q => q.Version, VersionComparer.Instance)
            .FirstOrDefault();
    }

    /// <summary>Orders versions by their dot-separated parts, numerically where both parts are numbers (1.10 after 1.9).</summary>
    private sealed class VersionComparer : IComparer<string?>
    {
        public static readonly VersionComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var left = (x ?? string.Empty).Split('.');
            var right = (y ?? string.Empty).Split('.');
            for (var i = 0; i < Math.Max(left.Length, right.Length); i++)
            {
                var a = i < left.Length ? left[i] : string.Empty;
                var b = i < right.Length ? right[i] : string.Empty;
                var order = long.TryParse(a, out var na) && long.TryParse(b, out var nb)
                    ? na.CompareTo(nb)
                    : string.CompareOrdinal(a, b);
                if (order != 0)
                {
                    return order;
                }
            }

            return 0;
        }
    }
}
