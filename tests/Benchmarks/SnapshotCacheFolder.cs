namespace FhirMh.Benchmarks;

/// <summary>The folder where the server keeps the snapshots it generated (see the server's SnapshotCache).</summary>
internal static class SnapshotCacheFolder
{
    public static void Clear()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fhirmh-snapshots");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
