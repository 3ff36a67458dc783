using FhirMh.Registries.Matching;

namespace FhirMh.Registries.Tests;

public class AssemblyReferencesTests
{
    [Theory]
    [InlineData("Microsoft.AspNetCore")]
    [InlineData("Microsoft.EntityFrameworkCore")]
    [InlineData("Hl7.Fhir")]
    public void RegistriesAssembly_References_NoServerFramework(string prefix)
    {
        var references = typeof(RecordMatcher).Assembly.GetReferencedAssemblies();

        Assert.DoesNotContain(references, r => r.Name!.StartsWith(prefix, StringComparison.Ordinal));
    }
}
