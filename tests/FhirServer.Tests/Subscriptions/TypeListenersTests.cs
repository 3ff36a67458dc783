using FhirMh.FhirServer.Search.Indexing;
using FhirMh.FhirServer.Search.Parameters;
using FhirMh.FhirServer.Search.Parsing;
using FhirMh.FhirServer.Subscriptions;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Tests.Subscriptions;

public sealed class TypeListenersTests
{
    private const string BaseUrl = "https://fhir.example.org/fhir";

    private static readonly SearchParameterDefinition Owner = new("Task", "owner", SearchParamType.Reference, null, ["Organization"], []);

    private static readonly SearchParameterDefinition Status = new("Task", "status", SearchParamType.Token, null, [], []);

    [Fact]
    public void Candidates_AreTheUnguarded_AndThoseFiledUnderTheVersionsReferences_EachOnce()
    {
        var listeners = new TypeListeners(
        [
            ("a", OwnerIs("Organization/org-1")),
            ("b", OwnerIs("Organization/org-2")),
            ("c", OwnerIs("Organization/org-1,Organization/org-3")),
            ("d", StatusIs("requested")),
        ]);

        Assert.Equal(["d", "a", "c"], listeners.Candidates(Version(("owner", "Organization", "org-1"), ("owner", "Organization", "org-3"))).Select(l => l.Id));
        Assert.Equal(["d", "b"], listeners.Candidates(Version(("owner", "Organization", "org-2"))).Select(l => l.Id));
        Assert.Equal(["d"], listeners.Candidates(Version(("requester", "Organization", "org-1"))).Select(l => l.Id));
    }

    [Theory]
    [InlineData(null, "Organization/org-1", "org-1")]
    [InlineData(null, "org-1", "org-1")] // a bare id: any type
    [InlineData(null, BaseUrl + "/Organization/org-1", "org-1")] // absolute on this server
    [InlineData("Organization", "org-1", "org-1")]
    [InlineData(null, "https://elsewhere.example.net/fhir/Organization/org-1", null)] // kept as a URL
    [InlineData("identifier", "https://ids.example.org|42", null)]
    [InlineData("missing", "true", null)]
    public void Guard_IsTheTargetIdEveryMatchMustReference(string? modifier, string value, string? guardedId)
    {
        var guard = ReferenceGuard.Of(new ValueCriterion(Owner, modifier, [new SearchValue(SearchPrefix.Eq, value)]), BaseUrl);

        Assert.Equal(guardedId, guard is null ? null : Assert.Single(guard.TargetIds));
    }

    /// <summary>Filing changes which subscriptions are checked, never which match.</summary>
    [Fact]
    public void Matches_AmongCandidates_AreThoseOfCheckingEverySubscription()
    {
        var subscriptions = Enumerable.Range(1, 20)
            .Select(i => ($"s{i}", i % 5 == 0 ? StatusIs(i % 2 == 0 ? "requested" : "accepted") : OwnerIs($"Organization/org-{i % 7}", i % 3 == 0 ? "Organization" : null)))
            .ToList();
        var listeners = new TypeListeners(subscriptions);

        for (var org = 0; org < 8; org++)
        {
            foreach (var type in new[] { "Organization", "Practitioner" })
            {
                var version = Version(("owner", type, $"org-{org}"), ("status", null, "requested"));
                var everyMatch = subscriptions.Where(s => s.Item2.Matches(version)).Select(s => s.Item1).Order();
                var candidateMatches = listeners.Candidates(version).Where(c => c.Matcher.Matches(version)).Select(c => c.Id).Order();
                Assert.Equal(everyMatch, candidateMatches);
            }
        }
    }

    private static ChangeMatcher OwnerIs(string values, string? modifier = null) =>
        ChangeMatcher.Compile([new ValueCriterion(Owner, modifier, values.Split(',').Select(v => new SearchValue(SearchPrefix.Eq, v)).ToList())], null, BaseUrl, []);

    private static ChangeMatcher StatusIs(string code) =>
        ChangeMatcher.Compile([new ValueCriterion(Status, null, [new SearchValue(SearchPrefix.Eq, code)])], null, BaseUrl, []);

    /// <summary>A Task version with the given index values: references, or a status token when the type is null.</summary>
    private static ChangedVersion Version(params (string Param, string? TargetType, string Value)[] values) =>
        new("Task", "t1", values.Select(IndexRow (v) => v.TargetType is null
            ? new TokenIndexRow { ResourceType = "Task", Param = v.Param, System = "http://hl7.org/fhir/task-status", Code = v.Value }
            : new ReferenceIndexRow { ResourceType = "Task", Param = v.Param, TargetType = v.TargetType, TargetId = v.Value }).ToList(), new Hl7.Fhir.Model.Task().ToPocoNode(ModelInfo.ModelInspector));
}
