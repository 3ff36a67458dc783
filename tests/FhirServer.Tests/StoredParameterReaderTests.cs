using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Stored;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Tests;

public sealed class StoredParameterReaderTests
{
    private const string MaidenName = "Patient.extension('http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName').value";

    [Fact]
    public void Read_Active_CompilesTheBranchesOfEachBase()
    {
        var resource = Parameter("mmn", "Patient.name.family | Practitioner.name.family | Observation.code", SearchParamType.String, ResourceType.Patient, ResourceType.Practitioner);

        var parameter = StoredParameterReader.Read(resource, "sp", 2)!;

        Assert.Equal(["Patient", "Practitioner"], parameter.Bases);
        Assert.All(parameter.Definitions, d => Assert.Equal([$"{d.ResourceType}.name.family"], d.Paths.Select(p => p.Source)));
        Assert.True(parameter.IsIndexed);
    }

    [Theory]
    [InlineData(PublicationStatus.Draft)]
    [InlineData(PublicationStatus.Retired)]
    [InlineData(PublicationStatus.Unknown)]
    public void Read_NotActive_DefinesNothing(PublicationStatus status)
    {
        var resource = Parameter("mmn", "Patient.extension(", SearchParamType.String, ResourceType.Patient);
        resource.Status = status;

        Assert.Null(StoredParameterReader.Read(resource, "sp", 1));
    }

    [Theory]
    [InlineData("mmn", "Patient.extension('x').value.where(", "SearchParameter.expression")]
    [InlineData("mmn", "Patient.name.noSuchFunction()", "SearchParameter.expression")]
    [InlineData("mmn", "Observation.code", "SearchParameter.expression")]
    [InlineData("mmn", null, "SearchParameter.expression")]
    [InlineData("_mmn", MaidenName, "SearchParameter.code")]
    [InlineData(null, MaidenName, "SearchParameter.code")]
    public void Read_Unusable_Is400AtTheElement(string? code, string? expression, string element)
    {
        var resource = Parameter(code, expression, SearchParamType.String, ResourceType.Patient);

        var e = Assert.Throws<FhirException>(() => StoredParameterReader.Read(resource, "sp", 1));

        Assert.Equal(400, e.StatusCode);
        Assert.Equal([element], e.Outcome.Issue.Single().Expression);
    }

    [Fact]
    public void Read_ResourceBase_IsRefused()
    {
        var resource = Parameter("mmn", "Resource.meta.source", SearchParamType.Uri, ResourceType.Resource);

        var e = Assert.Throws<FhirException>(() => StoredParameterReader.Read(resource, "sp", 1));

        Assert.Equal(["SearchParameter.base"], e.Outcome.Issue.Single().Expression);
    }

    [Fact]
    public void Read_Composite_IsKeptButNotIndexed()
    {
        var resource = Parameter("mmn", null, SearchParamType.Composite, ResourceType.Patient);

        var parameter = StoredParameterReader.Read(resource, "sp", 1)!;

        Assert.False(parameter.IsIndexed);
    }

    private static SearchParameter Parameter(string? code, string? expression, SearchParamType type, params ResourceType[] bases) => new()
    {
        Status = PublicationStatus.Active,
        Code = code,
        Expression = expression,
        Type = type,
        Base = bases.Select(b => (ResourceType?)b).ToList(),
    };
}
