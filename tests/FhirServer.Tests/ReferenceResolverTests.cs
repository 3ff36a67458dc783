using FhirMh.FhirServer.Interactions.Bundles;
using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Tests;

/// <summary>Rewriting references to a transaction's placeholders (http.html#trules).</summary>
public sealed class ReferenceResolverTests
{
    private const string BaseUrl = "http://localhost/fhir";
    private const string PatientUrn = "urn:uuid:9a3c5e0e-3c1d-4b5e-9a57-2f0c3f2a4a11";

    private readonly ReferenceResolver _resolver = new(new FixedConditionalReferenceResolver("Patient/7"));

    [Fact]
    public async Task Resolve_PlaceholderAnywhereInTheTree_IsRewrittenAndCodeSystemsAreNot()
    {
        var (placeholders, patientRef, entries) = Transaction();
        var observation = (Observation)entries[1].Resource!;
        observation.Extension.Add(new Extension("http://fhirmh.example/reported-by", new ResourceReference(PatientUrn)));
        observation.Contained.Add(new QuestionnaireResponse { Id = "qr", Subject = new ResourceReference(PatientUrn) });
        observation.Code = new CodeableConcept("urn:oid:2.16.840.1.113883.6.1", "44261-6");
        observation.Identifier.Add(new Identifier { System = PatientUrn, Value = "1" });
        observation.Text = new Narrative { Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\"{PatientUrn}\">patient</a><img src='{PatientUrn}'/></div>" };

        await _resolver.ResolveAsync(observation, placeholders, Parse(entries, 1), BaseUrl, CancellationToken.None);

        Assert.Equal(patientRef, observation.Subject!.Reference);
        Assert.Equal(patientRef, ((ResourceReference)observation.Extension[0].Value!).Reference);
        Assert.Equal(patientRef, ((QuestionnaireResponse)observation.Contained[0]).Subject!.Reference);
        Assert.Equal($"{BaseUrl}/{patientRef}", observation.Identifier[0].System);
        Assert.Equal("urn:oid:2.16.840.1.113883.6.1", observation.Code.Coding[0].System);
        Assert.Contains($"href=\"{patientRef}\"", observation.Text!.Div);
        Assert.Contains($"src='{patientRef}'", observation.Text!.Div);
    }

    [Fact]
    public async Task Resolve_UndeclaredPlaceholder_Is400AtTheReference()
    {
        var (placeholders, _, entries) = Transaction();
        var observation = (Observation)entries[1].Resource!;
        observation.Focus.Add(new ResourceReference("urn:uuid:00000000-0000-0000-0000-000000000000"));

        var failure = await Assert.ThrowsAsync<FhirException>(
            () => _resolver.ResolveAsync(observation, placeholders, Parse(entries, 1), BaseUrl, CancellationToken.None));

        Assert.Equal(400, failure.StatusCode);
        Assert.Equal("Bundle.entry[1].resource.focus[0]", failure.Outcome.Issue[0].Expression.Single());
    }

    [Fact]
    public async Task Resolve_BundleInsideAnEntry_KeepsItsOwnReferences()
    {
        var (placeholders, _, entries) = Transaction();
        var document = new Bundle
        {
            Type = Bundle.BundleType.Document,
            Entry = [new Bundle.EntryComponent { FullUrl = PatientUrn, Resource = new Composition { Subject = new ResourceReference(PatientUrn) } }],
        };

        await _resolver.ResolveAsync(document, placeholders, Parse(entries, 1), BaseUrl, CancellationToken.None);

        Assert.Equal(PatientUrn, ((Composition)document.Entry[0].Resource!).Subject!.Reference);
    }

    [Fact]
    public async Task Resolve_ConditionalReference_BecomesTheMatch()
    {
        var (placeholders, _, entries) = Transaction();
        var observation = (Observation)entries[1].Resource!;
        observation.Subject = new ResourceReference("Patient?identifier=http://fhirmh.example/mrn|1");

        await _resolver.ResolveAsync(observation, placeholders, Parse(entries, 1), BaseUrl, CancellationToken.None);

        Assert.Equal("Patient/7", observation.Subject.Reference);
    }

    [Fact]
    public async Task Resolve_ConditionalReferenceWithoutMatch_Is400NamingTheElement()
    {
        var (placeholders, _, entries) = Transaction();
        var observation = (Observation)entries[1].Resource!;
        observation.Subject = new ResourceReference("Patient?identifier=http://fhirmh.example/mrn|1");
        var resolver = new ReferenceResolver(new FixedConditionalReferenceResolver(null));

        var failure = await Assert.ThrowsAsync<FhirException>(
            () => resolver.ResolveAsync(observation, placeholders, Parse(entries, 1), BaseUrl, CancellationToken.None));

        Assert.Equal("Bundle.entry[1].resource.subject", failure.Outcome.Issue[0].Expression.Single());
    }

    [Fact]
    public void Assign_TwoEntriesWithOneFullUrl_Is400()
    {
        List<Bundle.EntryComponent> entries =
        [
            new() { FullUrl = PatientUrn, Resource = new Patient(), Request = new() { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
            new() { FullUrl = PatientUrn, Resource = new Patient(), Request = new() { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
        ];

        var failure = Assert.Throws<FhirException>(() => Placeholders.Assign([Parse(entries, 0), Parse(entries, 1)], entries, new Dictionary<int, string>()));

        Assert.Equal("Bundle.entry[1].fullUrl", failure.Outcome.Issue[0].Expression.Single());
    }

    [Fact]
    public void Assign_UpdateWithUrnFullUrl_StandsForTheIdOfItsUrl()
    {
        List<Bundle.EntryComponent> entries =
        [
            new() { FullUrl = PatientUrn, Resource = new Patient { Id = "p7" }, Request = new() { Method = Bundle.HTTPVerb.PUT, Url = "Patient/p7" } },
        ];

        var placeholders = Placeholders.Assign([Parse(entries, 0)], entries, new Dictionary<int, string>());

        Assert.True(placeholders.TryResolve(PatientUrn, out var reference));
        Assert.Equal("Patient/p7", reference);
        Assert.Null(placeholders.AssignedId(0));
    }

    private static (Placeholders Placeholders, string PatientReference, List<Bundle.EntryComponent> Entries) Transaction()
    {
        List<Bundle.EntryComponent> entries =
        [
            new() { FullUrl = PatientUrn, Resource = new Patient(), Request = new() { Method = Bundle.HTTPVerb.POST, Url = "Patient" } },
            new()
            {
                FullUrl = "urn:uuid:5b1f3c70-8f0e-4d8e-bb1c-0d6a4b0e7c22",
                Resource = new Observation { Status = ObservationStatus.Final, Subject = new ResourceReference(PatientUrn) },
                Request = new() { Method = Bundle.HTTPVerb.POST, Url = "Observation" },
            },
        ];
        var placeholders = Placeholders.Assign([Parse(entries, 0), Parse(entries, 1)], entries, new Dictionary<int, string>());
        return (placeholders, $"Patient/{placeholders.AssignedId(0)}", entries);
    }

    private static EntryRequest Parse(List<Bundle.EntryComponent> entries, int index) => EntryRequest.Parse(entries[index], index, BaseUrl);
}

/// <summary>Answers every conditional reference with one fixed target (null: no match).</summary>
internal sealed class FixedConditionalReferenceResolver(string? target) : IConditionalReferenceResolver
{
    public Task<string?> ResolveAsync(string resourceType, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken) =>
        Task.FromResult(target);
}
