using FhirMh.FhirServer.Storage;
using FhirMh.FhirServer.Storage.Postgres;

namespace FhirMh.FhirServer.Tests;

public sealed class PlanCacheModeInterceptorTests
{
    private const string Setting = "SET plan_cache_mode = force_custom_plan;\n";

    private const string Reset = ";\nRESET plan_cache_mode";

    [Fact]
    public void Rewrite_TaggedStatement_SetsCustomPlansFirst()
    {
        var text = $"-- {QueryPlans.CustomPlanTag}\n\nSELECT 1";

        Assert.Equal(Setting + text + Reset, PlanCacheModeInterceptor.Rewrite(text));
    }

    [Fact]
    public void Rewrite_StatementEndingWithASemicolon_GetsOneSeparator()
    {
        var text = $"-- {QueryPlans.CustomPlanTag}\n\nSELECT 1;\n";

        Assert.Equal($"{Setting}-- {QueryPlans.CustomPlanTag}\n\nSELECT 1{Reset}", PlanCacheModeInterceptor.Rewrite(text));
    }

    [Fact]
    public void Rewrite_TagAfterAnotherTag_IsFound()
    {
        var text = $"-- another tag\n-- {QueryPlans.CustomPlanTag}\n\nSELECT 1";

        Assert.Equal(Setting + text + Reset, PlanCacheModeInterceptor.Rewrite(text));
    }

    [Fact]
    public void Rewrite_GenericTag_SetsGenericPlansFirst()
    {
        var text = $"-- {QueryPlans.GenericPlanTag}\n\nSELECT 1";

        Assert.Equal("SET plan_cache_mode = force_generic_plan;\n" + text + Reset, PlanCacheModeInterceptor.Rewrite(text));
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("-- another tag\n\nSELECT 1")]
    [InlineData("-- another tag\n\nSELECT '\n-- plan: custom\n'")]
    [InlineData("-- plan: custom later\n\nSELECT 1")]
    [InlineData("-- plan: generic later\n\nSELECT 1")]
    public void Rewrite_StatementWithoutTheTagInItsHeader_IsUnchanged(string text)
    {
        Assert.Same(text, PlanCacheModeInterceptor.Rewrite(text));
    }
}
