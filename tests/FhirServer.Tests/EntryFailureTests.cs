using FhirMh.FhirServer.Interactions.Bundles;

namespace FhirMh.FhirServer.Tests;

public sealed class EntryFailureTests
{
    [Theory]
    [InlineData("Patient.birthDate", "Patient", "Bundle.entry[2].resource.birthDate")]
    [InlineData("Patient", "Patient", "Bundle.entry[2].resource")]
    [InlineData("resourceType", "Patient", "Bundle.entry[2].resource")]
    [InlineData("Parameters.parameter[0]", "Parameters", "Bundle.entry[2].resource.parameter[0]")]
    [InlineData("If-Match", null, "Bundle.entry[2].request.ifMatch")]
    [InlineData("If-None-Match", null, "Bundle.entry[2].request.ifNoneMatch")]
    [InlineData("Bundle.entry[2].request.url", null, "Bundle.entry[2].request.url")]
    [InlineData("Patient.birthDate", "Parameters", null)]
    [InlineData("PatientX.id", "Patient", null)]
    [InlineData("[0]", "Binary", null)]
    public void Expression_OfASingleRequest_IsPlacedInTheEntry(string expression, string? resourceType, string? expected)
    {
        Assert.Equal(expected, EntryFailure.Expression(expression, "Bundle.entry[2]", resourceType));
    }
}
