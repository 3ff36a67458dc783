using System.Text.Json;
using FhirMh.FhirServer.Hosting;
using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Validation;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Seeding;

/// <summary>
/// Reads the seeds/ folder: one canonical resource per JSON file, written under
/// <see cref="CanonicalBase.Default"/> and published under the configured base, as the
/// profiles/ package is.
/// </summary>
internal sealed class SeedFolder(
    FhirSerializers serializers,
    CanonicalBase canonicalBase,
    IOptions<SeedingOptions> options,
    IHostEnvironment environment)
{
    /// <summary>The folder's resources in file-name order; none when <c>Seeding:Folder</c> is empty.</summary>
    /// <exception cref="SeedException">The folder is missing, or a file is not a FHIR R4 resource with a url and a version.</exception>
    public IReadOnlyList<Resource> Read()
    {
        if (options.Value.Folder is not { Length: > 0 } setting)
        {
            return [];
        }

        var folder = ServerFolder.Locate(setting, environment);
        if (!Directory.Exists(folder))
        {
            throw new SeedException($"{SeedingOptions.SectionName}:Folder '{setting}' is not a folder.");
        }

        var resources = new List<Resource>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var json = canonicalBase.Rebase(File.ReadAllText(file), CanonicalBase.Default);
            Resource resource;
            try
            {
                resource = serializers.ParseJson(json);
            }
            catch (Exception e) when (e is Hl7.Fhir.Serialization.DeserializationFailedException or JsonException)
            {
                throw new SeedException($"{file} is not a valid FHIR R4 resource: {e.Message}", e);
            }

            // Seeds are matched on url and version at every start, so both must be there.
            if (resource is not IVersionableConformanceResource { Url.Length: > 0, Version.Length: > 0 })
            {
                throw new SeedException($"{file}: a seed must be a canonical resource with a url and a version.");
            }

            resources.Add(resource);
        }

        return resources;
    }
}
