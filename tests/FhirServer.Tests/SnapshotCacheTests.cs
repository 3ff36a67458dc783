using FhirMh.FhirServer.Serialization;
using FhirMh.FhirServer.Validation.Packages;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace FhirMh.FhirServer.Tests;

public sealed class SnapshotCacheTests
{
    private readonly SnapshotCache _cache = new(new FhirSerializers(64), NullLogger<SnapshotCache>.Instance);

    [Fact]
    public void TryRestore_AfterStore_SetsTheSnapshotOfTheSameProfile()
    {
        var package = Package(Guid.NewGuid().ToString("N"));
        var key = _cache.KeyOf([package]);
        var generated = Profile(package.Name);
        generated.Snapshot = new StructureDefinition.SnapshotComponent { Element = [new ElementDefinition("Patient"), new ElementDefinition("Patient.id")] };
        _cache.Store(key, generated);
        var loaded = Profile(package.Name);

        var restored = _cache.TryRestore(key, loaded);

        Assert.True(restored);
        Assert.Equal(["Patient", "Patient.id"], loaded.Snapshot!.Element.Select(e => e.Path));
    }

    [Fact]
    public void KeyOf_ChangedPackageContent_IsAnotherKey()
    {
        var name = Guid.NewGuid().ToString("N");
        var before = Package(name);
        var after = Package(name);
        ((StructureDefinition)after.Resources[0]).Differential!.Element[0].Min = 0;

        Assert.NotEqual(_cache.KeyOf([before]), _cache.KeyOf([after]));
    }

    [Fact]
    public void TryRestore_NothingStoredForTheKey_IsFalse()
    {
        var profile = Profile(Guid.NewGuid().ToString("N"));

        Assert.False(_cache.TryRestore(_cache.KeyOf([Package("other")]), profile));
        Assert.Null(profile.Snapshot);
    }

    private static FhirPackage Package(string name) => new(name, "1.0.0", null, "test", [Profile(name)]);

    private static StructureDefinition Profile(string name) => new()
    {
        Url = $"https://test.example/StructureDefinition/{name}",
        Name = "TestPatient",
        Status = PublicationStatus.Active,
        Kind = StructureDefinition.StructureDefinitionKind.Resource,
        Abstract = false,
        Type = "Patient",
        BaseDefinition = "http://hl7.org/fhir/StructureDefinition/Patient",
        Derivation = StructureDefinition.TypeDerivationRule.Constraint,
        Differential = new StructureDefinition.DifferentialComponent { Element = [new ElementDefinition("Patient.identifier") { Min = 1 }] },
    };
}
