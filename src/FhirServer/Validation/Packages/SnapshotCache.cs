using System.Security.Cryptography;
using System.Text;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Validation.Packages;

/// <summary>
/// Snapshots generated for the loaded packages, kept in a folder of the machine's temporary
/// directory (as the SDK keeps its extracted specification) so that a restart with the same
/// packages does not generate them again: generation needs the core definitions indexed and
/// takes seconds. Entries are keyed by the SDK version and the content of every loaded
/// resource, so any change to a package, or to the base it is rewritten to, misses. A folder
/// that cannot be written only means the snapshots are generated at each start.
/// </summary>
internal sealed partial class SnapshotCache(FhirSerializers serializers, ILogger<SnapshotCache> logger)
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "fhirmh-snapshots");

    /// <summary>A key for the whole set of packages: a snapshot may draw on any of them.</summary>
    public string KeyOf(IEnumerable<FhirPackage> packages)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(typeof(StructureDefinition).Assembly.GetName().Version?.ToString() ?? string.Empty));
        foreach (var resource in packages.SelectMany(p => p.Resources))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(serializers.ToJson(resource)));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>Sets the cached snapshot on <paramref name="profile"/>; false when there is none.</summary>
    public bool TryRestore(string key, StructureDefinition profile)
    {
        var file = FileOf(key, profile);
        if (!File.Exists(file))
        {
            return false;
        }

        try
        {
            if (serializers.ParseJson(File.ReadAllText(file)) is StructureDefinition { Snapshot: { } snapshot } cached && cached.Url == profile.Url)
            {
                profile.Snapshot = snapshot;
                return true;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Hl7.Fhir.Serialization.DeserializationFailedException or System.Text.Json.JsonException)
        {
            LogUnreadable(logger, file, e);
        }

        return false;
    }

    public void Store(string key, StructureDefinition profile)
    {
        try
        {
            Directory.CreateDirectory(_folder);
            var file = FileOf(key, profile);
            var temporary = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temporary, serializers.ToJson(profile));
            File.Move(temporary, file, overwrite: true); // whole files only: another process may be reading
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogUnwritable(logger, _folder, e);
        }
    }

    private string FileOf(string key, StructureDefinition profile) =>
        Path.Combine(_folder, $"{key[..32]}-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(profile.Url ?? profile.Id ?? string.Empty)))[..16]}.json");

    [LoggerMessage(Level = LogLevel.Warning, Message = "The cached snapshot {File} cannot be read; it is generated again")]
    private static partial void LogUnreadable(ILogger logger, string file, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Generated snapshots cannot be kept in {Folder}; they will be generated at each start")]
    private static partial void LogUnwritable(ILogger logger, string folder, Exception exception);
}
