using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests.ClientRegistry;

/// <summary>
/// Reads the FEBRL synthetic datasets from the shared data folder next to the repository
/// (../shared/data/febrl; see its README). The data is read in place, never copied into the project.
/// </summary>
internal static class Febrl
{
    public static string DataFolder()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FhirMh.sln")))
        {
            directory = directory.Parent;
        }

        var folder = directory is null ? null : Path.Combine(directory.Parent!.FullName, "shared", "data", "febrl");
        return folder is not null && Directory.Exists(folder)
            ? folder
            : throw new InvalidOperationException($"FEBRL data not found at ../shared/data/febrl next to the repository (looked from {AppContext.BaseDirectory})");
    }

    /// <summary>Records of a dataset, keyed by rec_id, mapped to the default Patient fields.</summary>
    public static Dictionary<string, MatchRecord> Read(string file)
    {
        var records = new Dictionary<string, MatchRecord>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(DataFolder(), file)).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            // Columns: rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id
            var c = line.Split(',').Select(v => v.Trim()).ToArray();
            var fields = new Dictionary<string, IReadOnlyList<string>>();
            void Add(string field, string value)
            {
                if (value.Length > 0)
                {
                    fields[field] = [value];
                }
            }

            Add("given", c[1]);
            Add("family", c[2]);
            Add("addressLine", string.Join(' ', new[] { c[3], c[4] }.Where(v => v.Length > 0)));
            Add("city", c[6]);
            Add("postcode", c[7]);
            Add("state", c[8]);
            Add("birthDate", c[9]);
            Add("identifier", c[10].Length > 0 ? "urn:febrl:soc_sec_id|" + c[10] : string.Empty);
            records[c[0]] = new MatchRecord(c[0], fields);
        }

        return records;
    }

    /// <summary>The person number of a rec_id: rec-12-org and rec-12-dup-0 are both 12.</summary>
    public static string Person(string recId) => recId.Split('-')[1];
}
