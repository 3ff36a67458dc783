namespace FhirMh.Registries.Matching;

/// <summary>
/// Common English given names and their diminutives (BILL and WILLIAM, LIZ and ELIZABETH), read
/// from the embedded <c>given-name-equivalents.txt</c>: one group a line.
/// </summary>
internal static class GivenNameEquivalents
{
    private const string ResourceName = "FhirMh.Registries.Matching.given-name-equivalents.txt";

    private static readonly Dictionary<string, int[]> Groups = Load();

    /// <summary>Number of groups in the table.</summary>
    public static int GroupCount { get; private set; }

    /// <summary>True when both normalised names are different and share a group.</summary>
    public static bool AreEquivalent(string a, string b)
    {
        if (a == b || !Groups.TryGetValue(a, out var left) || !Groups.TryGetValue(b, out var right))
        {
            return false;
        }

        foreach (var group in left)
        {
            if (Array.IndexOf(right, group) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static Dictionary<string, int[]> Load()
    {
        using var stream = typeof(GivenNameEquivalents).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var group = 0;
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            foreach (var name in line.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var key = TextNormalisation.NormaliseName(name);
                if (!groups.TryGetValue(key, out var list))
                {
                    groups[key] = list = [];
                }

                if (!list.Contains(group))
                {
                    list.Add(group);
                }
            }

            group++;
        }

        GroupCount = group;
        return groups.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }
}
