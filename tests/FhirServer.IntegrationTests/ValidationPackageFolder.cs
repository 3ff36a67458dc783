using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace FhirMh.FhirServer.IntegrationTests;

/// <summary>
/// A <c>Validation:Packages</c> folder holding one package tarball in the registry layout
/// (<c>package/package.json</c>, a profile with only a differential, and an example that must not load).
/// </summary>
internal static class ValidationPackageFolder
{
    public const string ProfileUrl = "https://clinic.example/fhir/StructureDefinition/clinic-observation";

    public static string Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fhirmh-packages-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        using var file = File.Create(Path.Combine(folder, "clinic.profiles-1.0.0.tgz"));
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        Add(tar, "package/package.json", """{"name":"clinic.profiles","version":"1.0.0","fhirVersions":["4.0.1"],"canonical":"https://clinic.example/fhir"}""");
        Add(tar, "package/StructureDefinition-clinic-observation.json", $$$"""
            {"resourceType":"StructureDefinition","id":"clinic-observation","url":"{{{ProfileUrl}}}","name":"ClinicObservation",
             "status":"active","kind":"resource","abstract":false,"type":"Observation","fhirVersion":"4.0.1",
             "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation","derivation":"constraint",
             "differential":{"element":[{"id":"Observation.subject","path":"Observation.subject","min":1}]}}
            """);
        Add(tar, "package/example/Observation-example.json", """{"resourceType":"Observation","id":"clinic-example","status":"final","code":{"text":"x"}}""");
        return folder;
    }

    private static void Add(TarWriter tar, string name, string content)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
        tar.WriteEntry(entry);
    }
}
