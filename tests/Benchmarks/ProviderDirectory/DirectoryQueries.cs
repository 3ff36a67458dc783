using System.Globalization;

namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// The searches of the provider directory benchmark, each with what the generated directory says it
/// should match: the geographic search of IHE mCSD, the service search a referrer makes for a client
/// with depression (with and without opening hours), and two look-ups that need no new parameter.
/// What a service treats is searched with R4's <c>service-type</c> parameter (HealthcareService.type;
/// R4 defines no parameter named <c>type</c> on HealthcareService).
/// </summary>
internal static class DirectoryQueries
{
    public const double RadiusKm = 20;
    public const double TargetP95Ms = 50;

    public const string Near = "Location?near={lat}|{lon}|20|km";
    public const string Referral = "HealthcareService referral search: service-type, location.near, communication, characteristic, active, open-at, 2 _include";
    public const string ReferralAnyTime = "HealthcareService referral search without open-at";

    /// <summary>Points where referrers are: around the cities by their weight, within a few km of the centre.</summary>
    public static List<QueryPoint> Points(int seed, int count)
    {
        var random = new Random(unchecked((seed * 31) + 9));
        var monday = new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Unspecified);
        var points = new List<QueryPoint>(count);
        for (var i = 0; i < count; i++)
        {
            var city = NationalDirectory.Cities[NationalDirectory.WeightedCity(random)];
            var (latitude, longitude) = NationalDirectory.Near(random, city.Latitude, city.Longitude, 3);
            var draw = random.Next(100);
            var day = draw < 85 ? draw % 5 : draw < 95 ? 5 : 6;
            var at = monday.AddDays(day).AddHours(8).AddMinutes(15 * random.Next(48));
            points.Add(new QueryPoint(Math.Round(latitude, 4), Math.Round(longitude, 4), at, random.Next(int.MaxValue)));
        }

        return points;
    }

    public static List<DirectoryQuery> For(DirectoryDataset dataset)
    {
        string NearValue(QueryPoint p) => Escape($"{Number(p.Latitude)}|{Number(p.Longitude)}|{Number(RadiusKm)}|km");
        bool IsWithin(DirectoryLocation l, QueryPoint p) => NationalDirectory.DistanceKm(p.Latitude, p.Longitude, l.Latitude, l.Longitude) <= RadiusKm;
        string ReferralPath(QueryPoint p, bool isOpenAt) =>
            "/fhir/HealthcareService?service-type=" + Escape($"{NationalDirectory.Snomed}|{NationalDirectory.DepressiveDisorder.Code}") +
            "&location.near=" + NearValue(p) +
            "&communication=" + Escape($"{NationalDirectory.LanguageSystem}|fr") +
            "&characteristic=" + Escape($"{NationalDirectory.CharacteristicSystem}|{NationalDirectory.AcceptingNewClients}") +
            "&active=true" +
            (isOpenAt ? "&open-at=" + Escape(p.OpenAt.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture)) : string.Empty) +
            "&_include=HealthcareService:location&_include=HealthcareService:organization";
        IReadOnlyList<string> ReferralMatches(QueryPoint p, bool isOpenAt) =>
        [
            .. dataset.Services
                .Where(s => s.IsActive && s.Types.Contains(NationalDirectory.DepressiveDisorder) && s.Languages.Contains("fr") &&
                            s.Characteristics.Contains(NationalDirectory.AcceptingNewClients) &&
                            s.LocationIds.Any(l => IsWithin(dataset.Location(l), p)) &&
                            (!isOpenAt || s.Hours.Any(h => h.Covers(p.OpenAt))))
                .Select(s => s.Id),
        ];

        return
        [
            new(Near,
                p => "/fhir/Location?near=" + NearValue(p),
                p => [.. dataset.Locations.Where(l => IsWithin(l, p))
                    .OrderBy(l => NationalDirectory.DistanceKm(p.Latitude, p.Longitude, l.Latitude, l.Longitude)).Select(l => l.Id)],
                IsOrderedByDistance: true, TargetP95Ms),
            new(Referral, p => ReferralPath(p, isOpenAt: true), p => ReferralMatches(p, isOpenAt: true), IsOrderedByDistance: false, TargetP95Ms),
            new(ReferralAnyTime, p => ReferralPath(p, isOpenAt: false), p => ReferralMatches(p, isOpenAt: false), IsOrderedByDistance: false, TargetP95Ms),
            new("Practitioner?identifier={licence system}|{licence}",
                p => "/fhir/Practitioner?identifier=" + Escape($"{NationalDirectory.LicenceSystem}|{dataset.Practitioners[p.Pick % dataset.Practitioners.Count].Licence}"),
                p => [dataset.Practitioners[p.Pick % dataset.Practitioners.Count].Id],
                IsOrderedByDistance: false, null),
            new("PractitionerRole?service={id}&active=true&_include=PractitionerRole:practitioner",
                p => $"/fhir/PractitionerRole?service=HealthcareService/{dataset.Services[p.Pick % dataset.Services.Count].Id}&active=true&_include=PractitionerRole:practitioner",
                p => [.. dataset.Roles.Where(r => r.IsActive && r.ServiceId == dataset.Services[p.Pick % dataset.Services.Count].Id).Select(r => r.Id)],
                IsOrderedByDistance: false, null),
        ];
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
