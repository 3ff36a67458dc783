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

    private static readonly SearchParameterDefinition Requester = new("Task", "requester", SearchParamType.Reference, null, ["Organization", "Practitioner"], []);

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
        string[] owners =
        [
            "Organization/org-1", "org-1", BaseUrl + "/Organization/org-2", "Organization/org-3/_history/2",
            "Organization/org-1,org-4", "https://elsewhere.example.net/fhir/Organization/org-1", "Practitioner/org-2",
        ];
        var subscriptions = new List<(string Id, ChangeMatcher Matcher)>();
        foreach (var owner in owners)
        {
            subscriptions.Add(($"owner={owner}", OwnerIs(owner)));
            subscriptions.Add(($"owner:Organization={owner}", OwnerIs(owner, "Organization")));
            subscriptions.Add(($"owner={owner}&requester=org-2", Compile(Criterion(Owner, owner), Criterion(Requester, "org-2"))));
        }

        subscriptions.Add(("status=requested", StatusIs("requested")));
        subscriptions.Add(("requester:identifier", Compile(new ValueCriterion(Requester, "identifier", [new SearchValue(SearchPrefix.Eq, "https://ids.example.org|7")]))));
        var listeners = new TypeListeners(subscriptions);
        (string Param, string? TargetType, string Value)[] references =
        [
            ("owner", "Organization", "org-1"), ("owner", "Organization", "org-2"), ("owner", "Organization", "org-3"),
            ("owner", "Practitioner", "org-2"), ("owner", "Organization", "org-4"), ("requester", "Organization", "org-2"),
            ("owner", null, "https://elsewhere.example.net/fhir/Organization/org-1"),
        ];

        var checkedVersions = 0;
        var filtered = 0;
        foreach (var first in references)
        {
            foreach (var second in references)
            {
                foreach (var version in new[] { (string?)null, "2" })
                {
                    var changed = VersionAt([first, second, ("status", null, "requested")], version);
                    var everyMatch = subscriptions.Where(s => s.Matcher.Matches(changed)).Select(s => s.Id).Order().ToList();
                    var candidates = listeners.Candidates(changed).ToList();
                    Assert.Equal(everyMatch, candidates.Where(c => c.Matcher.Matches(changed)).Select(c => c.Id).Order().ToList());
                    checkedVersions++;
                    filtered += subscriptions.Count - candidates.Count;
                }
            }
        }

        // Filing must also leave subscriptions out, or this would hold trivially.
        Assert.True(filtered > checkedVersions, $"{filtered} subscriptions left out over {checkedVersions} versions");
    }

    private static ChangeMatcher OwnerIs(string values, string? modifier = null) => Compile(Criterion(Owner, values, modifier));

    private static ChangeMatcher StatusIs(string code) => Compile(Criterion(Status, code));

    private static ValueCriterion Criterion(SearchParameterDefinition parameter, string values, string? modifier = null) =>
        new(parameter, modifier, values.Split(',').Select(v => new SearchValue(SearchPrefix.Eq, v)).ToList());

    private static ChangeMatcher Compile(params ValueCriterion[] criteria) => ChangeMatcher.Compile(criteria, null, BaseUrl, []);

    /// <summary>
    /// A Task version with the given index values: a status token on <c>status</c>; a reference
    /// with its type, at <paramref name="targetVersion"/>; or, with no type, a URL kept as such.
    /// </summary>
    private static ChangedVersion VersionAt((string Param, string? TargetType, string Value)[] values, string? targetVersion) =>
        new("Task", "t1", values.Select(IndexRow (v) => v switch
        {
            { Param: "status" } => new TokenIndexRow { ResourceType = "Task", Param = v.Param, System = "http://hl7.org/fhir/task-status", Code = v.Value },
            { TargetType: null } => new ReferenceIndexRow { ResourceType = "Task", Param = v.Param, Url = v.Value },
            _ => new ReferenceIndexRow { ResourceType = "Task", Param = v.Param, TargetType = v.TargetType, TargetId = v.Value, TargetVersion = targetVersion },
        }).ToList(), new Hl7.Fhir.Model.Task().ToPocoNode(ModelInfo.ModelInspector));

    private static ChangedVersion Version(params (string Param, string? TargetType, string Value)[] values) => VersionAt(values, null);
}
