using System.Text.Json;
using FhirMh.Benchmarks.ProviderDirectory;

namespace FhirMh.Benchmarks.Tests.ProviderDirectory;

public class NationalDirectoryTests
{
    private static readonly DirectorySize Small = new(Organizations: 60, Locations: 300, Practitioners: 400, Roles: 900, Services: 500);

    [Fact]
    public void Generate_SameSeedAndSize_GivesTheSameBundles()
    {
        var first = Bundles(NationalDirectory.Generate(Small, 7), 100);
        var second = Bundles(NationalDirectory.Generate(Small, 7), 100);
        var other = Bundles(NationalDirectory.Generate(Small, 8), 100);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Generate_Size_HasExactlyTheCountsAskedWithUniqueIds()
    {
        var dataset = NationalDirectory.Generate(Small, 7);

        Assert.Equal(Small, dataset.Size);
        IEnumerable<string>[] ids =
        [
            dataset.Organizations.Select(o => o.Id), dataset.Locations.Select(l => l.Id), dataset.Services.Select(s => s.Id),
            dataset.Practitioners.Select(p => p.Id), dataset.Roles.Select(r => r.Id),
        ];
        Assert.All(ids, list => Assert.Equal(list.Count(), list.Distinct().Count()));
        Assert.Equal(Small.Practitioners, dataset.Practitioners.Select(p => p.Licence).Distinct().Count());
    }

    [Fact]
    public void Generate_EveryReference_PointsAtAResourceOfTheDirectory()
    {
        var dataset = NationalDirectory.Generate(Small, 7);
        var organizations = dataset.Organizations.Select(o => o.Id).ToHashSet();
        var groups = dataset.Organizations.Where(o => o.IsGroup).Select(o => o.Id).ToHashSet();
        var locations = dataset.Locations.Select(l => l.Id).ToHashSet();
        var services = dataset.Services.ToDictionary(s => s.Id);
        var practitioners = dataset.Practitioners.Select(p => p.Id).ToHashSet();

        Assert.All(dataset.Organizations.Where(o => o.PartOfId is not null), o => Assert.Contains(o.PartOfId!, groups));
        Assert.Contains(dataset.Organizations, o => o.PartOfId is not null);
        Assert.All(dataset.Locations, l => Assert.Contains(l.OrganizationId, organizations));
        Assert.All(dataset.Services, s =>
        {
            Assert.Contains(s.OrganizationId, organizations);
            Assert.InRange(s.LocationIds.Count, 1, 2);
            Assert.All(s.LocationIds, l => Assert.Contains(l, locations));
        });
        Assert.All(dataset.Roles, r =>
        {
            Assert.Contains(r.PractitionerId, practitioners);
            var service = services[r.ServiceId];
            Assert.Contains(r.LocationId, service.LocationIds);
            Assert.Equal(service.OrganizationId, r.OrganizationId);
        });

        // With more roles than practitioners, each practitioner has at least one.
        Assert.Equal(practitioners, dataset.Roles.Select(r => r.PractitionerId).ToHashSet());
    }

    [Fact]
    public void LoadPhases_Json_ArePutsOfTheDirectoryReferringOnlyToEarlierPhasesWithNoEmptyArrays()
    {
        var dataset = NationalDirectory.Generate(Small, 7);
        var written = new HashSet<string>();
        var referenced = new HashSet<string>();
        foreach (var phase in DirectoryJson.LoadPhases(dataset, 100))
        {
            var before = written.ToHashSet();
            var referencedBefore = referenced.ToHashSet();
            LoadPhase(phase, written, referenced);
            Assert.Empty(referenced.Except(referencedBefore).Except(before)); // the server checks references when a transaction commits
        }

        Assert.Equal(Small.Total, written.Count);
        Assert.Empty(referenced.Except(written));
        Assert.Equal(Small.Practitioners, dataset.Practitioners.Select(p => p.Phone).Distinct().Count());
    }

    private static void LoadPhase(LoadPhase phase, HashSet<string> written, HashSet<string> referenced)
    {
        foreach (var bundle in phase.Bundles)
        {
            using var json = JsonDocument.Parse(bundle);
            Assert.Equal("transaction", json.RootElement.GetProperty("type").GetString());
            var entries = json.RootElement.GetProperty("entry");
            Assert.InRange(entries.GetArrayLength(), 1, 100);
            foreach (var entry in entries.EnumerateArray())
            {
                var resource = entry.GetProperty("resource");
                var url = $"{resource.GetProperty("resourceType").GetString()}/{resource.GetProperty("id").GetString()}";
                Assert.Equal("PUT", entry.GetProperty("request").GetProperty("method").GetString());
                Assert.Equal(url, entry.GetProperty("request").GetProperty("url").GetString());
                Assert.True(written.Add(url), $"{url} written twice");
                CollectReferences(resource, referenced);
            }
        }
    }

    private static List<byte[]> Bundles(DirectoryDataset dataset, int entriesPerBundle) =>
        [.. DirectoryJson.LoadPhases(dataset, entriesPerBundle).SelectMany(p => p.Bundles)];

    [Fact]
    public void Generate_Locations_AreActiveSitesInsideTheCountryClusteredAroundCities()
    {
        var dataset = NationalDirectory.Generate(new DirectorySize(50, 2_000, 10, 10, 10), 3);

        Assert.All(dataset.Locations, l =>
        {
            Assert.InRange(l.Latitude, NationalDirectory.MinLatitude, NationalDirectory.MaxLatitude);
            Assert.InRange(l.Longitude, NationalDirectory.MinLongitude, NationalDirectory.MaxLongitude);
        });
        var paris = NationalDirectory.Cities[0];
        var nearParis = dataset.Locations.Count(l => NationalDirectory.DistanceKm(paris.Latitude, paris.Longitude, l.Latitude, l.Longitude) <= 20);
        Assert.InRange(nearParis, 300, 700); // about 30 of the cities' 107 weight points, of the 85% of sites in cities
    }

    [Fact]
    public void Generate_Services_CarryTheReferralCriteriaOnAShare()
    {
        var services = NationalDirectory.Generate(new DirectorySize(50, 200, 10, 10, 4_000), 3).Services;

        Assert.InRange(services.Count(s => s.Types.Contains(NationalDirectory.DepressiveDisorder)), 900, 1_500); // 60% mental health, half of them
        // 85% drawn, and French for the services that drew no language at all (about 5%): about 3,600.
        Assert.InRange(services.Count(s => s.Languages.Contains("fr")), 3_450, 3_750);
        Assert.InRange(services.Count(s => s.Characteristics.Contains(NationalDirectory.AcceptingNewClients)), 2_000, 2_400);
        Assert.Contains(services, s => s.Hours.Any(h => h.IsAllDay));
        Assert.Contains(services, s => s.Languages.Contains("ar"));
    }

    // Within 0.5 km: Paris to Lyon is about 391.5 km as the crow flies; a degree of a meridian is
    // 2π × 6371.0088 km / 360 ≈ 111.2 km on the mean Earth sphere (IUGG mean radius).
    [Theory]
    [InlineData(48.8566, 2.3522, 45.7640, 4.8357, 391.5)]
    [InlineData(48.8566, 2.3522, 48.8566, 2.3522, 0)]
    [InlineData(44.0, 0.0, 45.0, 0.0, 111.2)]
    public void DistanceKm_KnownPoints_IsTheGreatCircleDistance(double lat1, double lon1, double lat2, double lon2, double expected) =>
        Assert.InRange(NationalDirectory.DistanceKm(lat1, lon1, lat2, lon2), expected - 0.5, expected + 0.5);

    [Theory]
    [InlineData("2026-11-26T14:30", true)]
    [InlineData("2026-11-26T09:00", true)]
    [InlineData("2026-11-26T08:59", false)]
    [InlineData("2026-11-26T17:00", false)] // the closing time is the first minute closed
    [InlineData("2026-11-28T10:00", false)] // Saturday
    public void Covers_WeekdayHours_OpenBetweenOpeningAndClosing(string at, bool expected)
    {
        var hours = new OpeningHours([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], new TimeOnly(9, 0), new TimeOnly(17, 0));

        Assert.Equal(expected, hours.Covers(DateTime.Parse(at, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Points_SameSeed_SameRequestPaths()
    {
        var dataset = NationalDirectory.Generate(Small, 7);
        var queries = DirectoryQueries.For(dataset);

        var first = DirectoryQueries.Points(11, 50).SelectMany(p => queries.Select(q => q.Path(p)));
        var second = DirectoryQueries.Points(11, 50).SelectMany(p => queries.Select(q => q.Path(p)));

        Assert.Equal(first, second);
    }

    private static void CollectReferences(JsonElement element, HashSet<string> references)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "reference")
                    {
                        references.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        CollectReferences(property.Value, references);
                    }
                }

                break;
            case JsonValueKind.Array:
                Assert.NotEqual(0, element.GetArrayLength()); // FHIR JSON has no empty arrays (json.html)
                foreach (var item in element.EnumerateArray())
                {
                    CollectReferences(item, references);
                }

                break;
        }
    }
}
