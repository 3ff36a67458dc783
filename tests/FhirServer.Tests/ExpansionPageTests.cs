using FhirMh.FhirServer.Operations.Terminology;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Tests;

/// <summary>Filtering and paging of an expansion (valueset-operation-expand.html: filter, count, offset).</summary>
public sealed class ExpansionPageTests
{
    [Theory]
    [InlineData("major-depression", "Major depressive disorder", "depress", true)]
    [InlineData("major-depression", "Major depressive disorder", "MAJ DIS", true)]
    [InlineData("major-depression", "Major depressive disorder", "major-d", true)] // the start of the code
    [InlineData("major-depression", "Major depressive disorder", "pressive", false)] // not the start of a word
    [InlineData("major-depression", "Major depressive disorder", "major anxiety", false)] // every word must match
    [InlineData("F32", null, "f3", true)]
    public void Matches_Filter_IsCaseInsensitiveWordStart(string code, string? display, string filter, bool expected) =>
        Assert.Equal(expected, ExpansionPage.Matches(new ValueSet.ContainsComponent { Code = code, Display = display }, filter));

    [Fact]
    public void Apply_CountAndOffset_PagesTheFlattenedConceptsAndEchoesThem()
    {
        var expansion = new ValueSet.ExpansionComponent
        {
            Total = 4,
            Contains =
            [
                new() { Code = "a", Contains = [new() { Code = "a1" }, new() { Code = "a2" }] },
                new() { Code = "b" },
            ],
        };

        new ExpansionPage(Filter: null, Count: 2, Offset: 1, IsFlat: false, IsActiveOnly: false).Apply(expansion);

        Assert.Equal(["a1", "a2"], expansion.Contains.Select(c => c.Code));
        Assert.All(expansion.Contains, c => Assert.Empty(c.Contains));
        Assert.Equal(4, expansion.Total);
        Assert.Equal(1, expansion.Offset);
        Assert.Equal(["count", "offset"], expansion.Parameter.Select(p => p.Name));
    }

    [Fact]
    public void Apply_ActiveOnly_LeavesOutInactiveConcepts()
    {
        var expansion = new ValueSet.ExpansionComponent { Contains = [new() { Code = "old", Inactive = true }, new() { Code = "new" }] };

        new ExpansionPage(Filter: null, Count: null, Offset: null, IsFlat: false, IsActiveOnly: true).Apply(expansion);

        Assert.Equal(["new"], expansion.Contains.Select(c => c.Code));
        Assert.Equal(1, expansion.Total);
        Assert.Null(expansion.Offset);
    }

    [Fact]
    public void Apply_NothingAsked_KeepsTheHierarchy()
    {
        var expansion = new ValueSet.ExpansionComponent { Contains = [new() { Code = "a", Contains = [new() { Code = "a1" }] }] };

        new ExpansionPage(Filter: null, Count: null, Offset: null, IsFlat: false, IsActiveOnly: false).Apply(expansion);

        Assert.Equal("a1", Assert.Single(Assert.Single(expansion.Contains).Contains).Code);
        Assert.Empty(expansion.Parameter);
    }
}
