using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// Reads the FEBRL synthetic record-linkage files (../shared/data/febrl, described in its README):
/// <c>rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state,
/// date_of_birth, soc_sec_id</c>, a space after each comma, all text, empty meaning missing.
/// </summary>
internal static class FebrlDataset
{
    private const string Header = "rec_id, given_name, surname, street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id";

    /// <summary>The folder with the FEBRL files, next to the repositories: never copied into the project.</summary>
    public static string Folder(string repository) => Path.GetFullPath(Path.Combine(repository, "../shared/data/febrl"));

    /// <exception cref="FileNotFoundException">The file is not there.</exception>
    /// <exception cref="FormatException">The header or a line is not FEBRL's.</exception>
    public static List<PersonRecord> Read(string file, string sourceSystem) =>
        File.Exists(file)
            ? Parse(File.ReadLines(file), sourceSystem, Path.GetFileName(file))
            : throw new FileNotFoundException($"FEBRL file {file} is missing (see ../shared/data/febrl/README.md).", file);

    /// <summary>Parses a FEBRL file's lines, header first.</summary>
    /// <exception cref="FormatException">The header or a line is not FEBRL's.</exception>
    public static List<PersonRecord> Parse(IEnumerable<string> lines, string sourceSystem, string name)
    {
        var records = new List<PersonRecord>();
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (line.Trim() != Header)
                {
                    throw new FormatException($"{name}: the first line is not FEBRL's header \"{Header}\".");
                }

                continue;
            }

            if (line.Length == 0)
            {
                continue;
            }

            records.Add(ParseLine(line, sourceSystem) ?? throw new FormatException($"{name} line {lineNumber}: expected 11 fields and a rec-N-org or rec-N-dup-K id: {line}"));
        }

        return records;
    }

    /// <summary>One data line; <c>null</c> when it does not have FEBRL's shape.</summary>
    public static PersonRecord? ParseLine(string line, string sourceSystem)
    {
        // Values hold no commas; each comma is followed by one space, which is not part of the value.
        var fields = line.Split(',').Select(f => f.Trim()).ToArray();
        if (fields.Length != 11 || PersonKey(fields[0]) is not { } personKey)
        {
            return null;
        }

        string? Field(int i) => fields[i].Length == 0 ? null : fields[i];
        return new PersonRecord(
            OpaqueRecordId(fields[0]), personKey, sourceSystem, Field(1), Field(2), Field(3), Field(4), Field(5), Field(6), Field(7), Field(8), Field(9), Field(10));
    }

    /// <summary>
    /// The record number a source system gives the record: FEBRL's <c>rec_id</c> names the person
    /// (<c>rec-10-dup-0</c> and <c>rec-10-dup-1</c> are one edit apart), which no source's record
    /// numbers do, and an identifier comparator that tolerates typing errors would read the truth
    /// from it. The number is a digest of the <c>rec_id</c>: stable, and unrelated between records.
    /// </summary>
    public static string OpaqueRecordId(string febrlId) =>
        "F" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(febrlId)), 0, 6);

    /// <summary>The <c>N</c> of <c>rec-N-org</c> or <c>rec-N-dup-K</c>; <c>null</c> for any other id.</summary>
    public static int? PersonKey(string recordId)
    {
        var parts = recordId.Split('-');
        var isOriginal = parts is ["rec", _, "org"];
        var isDuplicate = parts is ["rec", _, "dup", var k] && int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out _);
        return (isOriginal || isDuplicate) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
