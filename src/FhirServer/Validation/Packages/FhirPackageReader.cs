using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using FhirMh.FhirServer.Serialization;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Validation.Packages;

/// <summary>
/// Reads FHIR packages: a folder with <c>package.json</c> and one resource per JSON file (the
/// project's profiles/), or a <c>.tgz</c> in the standard layout where both sit under
/// <c>package/</c>. Only the package's own folder is read, not <c>package/example/</c> or
/// other subfolders, and only conformance resources are kept.
/// </summary>
internal sealed class FhirPackageReader(FhirSerializers serializers)
{
    /// <summary>The resource types a package contributes; examples and other content are not loaded.</summary>
    public static readonly IReadOnlySet<string> ConformanceTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "StructureDefinition", "ValueSet", "CodeSystem", "SearchParameter", "OperationDefinition",
        "ConceptMap", "NamingSystem", "CapabilityStatement", "CompartmentDefinition", "StructureMap", "ImplementationGuide",
    };

    /// <summary>
    /// Reads the package in <paramref name="folder"/> (or in its <c>package/</c> subfolder). When
    /// <paramref name="canonicalBase"/> differs from the manifest's canonical, the manifest's
    /// canonical is replaced by it in every resource, so that a server can publish the project's
    /// artefacts under its own base.
    /// </summary>
    public FhirPackage ReadFolder(string folder, string? canonicalBase = null)
    {
        var root = File.Exists(Path.Combine(folder, "package.json")) ? folder : Path.Combine(folder, "package");
        var manifest = Path.Combine(root, "package.json");
        if (!File.Exists(manifest))
        {
            throw new PackageException($"{folder} is not a FHIR package: it has no package.json.");
        }

        var files = Directory.EnumerateFiles(root, "*.json")
            .Where(f => !IsMetadata(Path.GetFileName(f)))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)));
        return Read(File.ReadAllBytes(manifest), files, folder, canonicalBase);
    }

    /// <summary>Reads a package tarball (<c>.tgz</c>), as published to a FHIR package registry.</summary>
    public FhirPackage ReadTarball(string path)
    {
        byte[]? manifest = null;
        var files = new List<(string, byte[])>();
        using (var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                // package/x.json only: package/example/, package/other/ and package/openapi/ are not conformance content.
                var name = entry.Name.Replace('\\', '/');
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null ||
                    !name.StartsWith("package/", StringComparison.Ordinal) || name.IndexOf('/', "package/".Length) >= 0 ||
                    !name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                using var content = new MemoryStream();
                entry.DataStream.CopyTo(content);
                var fileName = name["package/".Length..];
                if (fileName == "package.json")
                {
                    manifest = content.ToArray();
                }
                else if (!IsMetadata(fileName))
                {
                    files.Add((fileName, content.ToArray()));
                }
            }
        }

        return Read(manifest ?? throw new PackageException($"{path} is not a FHIR package: it has no package/package.json."), files, path, null);
    }

    private FhirPackage Read(byte[] manifestJson, IEnumerable<(string Name, byte[] Content)> files, string source, string? canonicalBase)
    {
        var (name, version, canonical) = ReadManifest(manifestJson, source);
        var target = canonicalBase is null ? null : new CanonicalBase(canonicalBase);
        var resources = new List<Resource>();
        foreach (var (fileName, content) in files)
        {
            if (!IsConformanceResource(content, fileName, source))
            {
                continue;
            }

            var json = Encoding.UTF8.GetString(content);
            if (target is not null && canonical is not null)
            {
                json = target.Rebase(json, canonical);
            }

            try
            {
                resources.Add(serializers.ParseJson(json));
            }
            catch (Exception e) when (e is Hl7.Fhir.Serialization.DeserializationFailedException or JsonException)
            {
                throw new PackageException($"{source}: {fileName} is not a valid FHIR R4 resource: {e.Message}", e);
            }
        }

        return new FhirPackage(name, version, canonical, source, resources);
    }

    private static (string Name, string Version, string? Canonical) ReadManifest(byte[] json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
            var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : null;
            if (name is null || version is null)
            {
                throw new PackageException($"{source}: package.json needs a name and a version.");
            }

            if (root.TryGetProperty("fhirVersions", out var versions) && versions.ValueKind == JsonValueKind.Array &&
                !versions.EnumerateArray().Any(x => x.GetString() is { } fhir && fhir.StartsWith("4.0", StringComparison.Ordinal)))
            {
                throw new PackageException($"{source}: package {name}#{version} is not for FHIR R4 (fhirVersions {versions}).");
            }

            var canonical = root.TryGetProperty("canonical", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            return (name, version, canonical);
        }
        catch (JsonException e)
        {
            throw new PackageException($"{source}: package.json is not JSON: {e.Message}", e);
        }
    }

    /// <summary>Looks at <c>resourceType</c> before parsing the whole file: packages carry examples and indexes too.</summary>
    private static bool IsConformanceResource(byte[] content, string fileName, string source)
    {
        var reader = new Utf8JsonReader(content, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.CurrentDepth >= 1)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("resourceType"))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.String && ConformanceTypes.Contains(reader.GetString()!);
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            throw new PackageException($"{source}: {fileName} is not JSON: {e.Message}", e);
        }

        return false;
    }

    private static bool IsMetadata(string fileName) => fileName is "package.json" or ".index.json";
}
