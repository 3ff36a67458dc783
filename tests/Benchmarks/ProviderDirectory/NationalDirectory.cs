using System.Globalization;

namespace FhirMh.Benchmarks.ProviderDirectory;

/// <summary>
/// Generates a synthetic national provider directory (IHE mCSD resources) from a seed: the same
/// seed and sizes give the same directory, resource for resource. Sites cluster around the cities
/// of a country-sized area (latitude 44 to 49, longitude 0 to 8, in France's east and centre), with
/// a share spread over the countryside; every reference points at a resource of the directory.
/// Each resource type draws from a <see cref="Random"/> of its own, so practitioners do not change
/// when the number of roles does.
/// </summary>
internal static class NationalDirectory
{
    public const string LicenceSystem = "https://fhirmh.org/fhir/sid/licence";
    public const string OrganizationSystem = "https://fhirmh.org/fhir/sid/organization";
    /// <summary>The project's CodeSystem of service characteristics (profiles/CodeSystem-service-characteristic.json).</summary>
    public const string CharacteristicSystem = "https://fhirmh.org/fhir/CodeSystem/service-characteristic";
    public const string LanguageSystem = "urn:ietf:bcp:47";
    public const string Snomed = "http://snomed.info/sct";
    public const string AcceptingNewClients = "accepting-new-clients";
    public const string Telehealth = "telehealth";

    /// <summary>The zone of the country's wall clocks: opening hours are local times.</summary>
    public const string TimeZone = "Europe/Paris";

    public const double MinLatitude = 44;
    public const double MaxLatitude = 49;
    public const double MinLongitude = 0;
    public const double MaxLongitude = 8;

    /// <summary>The referrer's query asks for services treating this SNOMED CT disorder.</summary>
    public static readonly DirectoryCode DepressiveDisorder = new(Snomed, "35489007", "Depressive disorder");

    /// <summary>City centres (WGS84, rounded) with relative weights of the sites around them.</summary>
    public static readonly IReadOnlyList<City> Cities =
    [
        new("Paris", 48.8566, 2.3522, 30, 8),
        new("Lyon", 45.7640, 4.8357, 12, 6),
        new("Strasbourg", 48.5734, 7.7521, 6, 5),
        new("Grenoble", 45.1885, 5.7245, 5, 4),
        new("Dijon", 47.3220, 5.0415, 4, 4),
        new("Clermont-Ferrand", 45.7772, 3.0870, 4, 4),
        new("Tours", 47.3941, 0.6848, 4, 4),
        new("Orléans", 47.9030, 1.9093, 3, 4),
        new("Limoges", 45.8336, 1.2611, 3, 4),
        new("Saint-Étienne", 45.4397, 4.3872, 3, 4),
        new("Nancy", 48.6921, 6.1844, 3, 4),
        new("Mulhouse", 47.7508, 7.3359, 3, 3),
        new("Besançon", 47.2378, 6.0241, 3, 3),
        new("Le Mans", 48.0061, 0.1996, 3, 3),
        new("Poitiers", 46.5802, 0.3404, 2, 3),
        new("Annecy", 45.8992, 6.1294, 2, 3),
        new("Chambéry", 45.5646, 5.9178, 2, 3),
        new("Valence", 44.9334, 4.8924, 2, 3),
        new("Troyes", 48.2973, 4.0744, 2, 3),
        new("Bourges", 47.0810, 2.3988, 2, 3),
        new("Chartres", 48.4439, 1.4890, 1, 3),
        new("Auxerre", 47.7982, 3.5673, 1, 3),
        new("Nevers", 46.9909, 3.1590, 1, 3),
        new("Mâcon", 46.3069, 4.8287, 1, 3),
        new("Périgueux", 45.1848, 0.7213, 1, 3),
        new("Aurillac", 44.9264, 2.4396, 1, 3),
    ];

    /// <summary>SNOMED CT disorders a mental-health service treats; the first is the referrer's.</summary>
    public static readonly IReadOnlyList<DirectoryCode> MentalHealthTypes =
    [
        DepressiveDisorder,
        new(Snomed, "197480006", "Anxiety disorder"),
        new(Snomed, "13746004", "Bipolar disorder"),
        new(Snomed, "58214004", "Schizophrenia"),
        new(Snomed, "47505003", "Posttraumatic stress disorder"),
        new(Snomed, "7200002", "Alcoholism"),
    ];

    /// <summary>SNOMED CT disorders the other services treat.</summary>
    public static readonly IReadOnlyList<DirectoryCode> OtherTypes =
    [
        new(Snomed, "44054006", "Diabetes mellitus type 2"),
        new(Snomed, "38341003", "Hypertensive disorder"),
        new(Snomed, "195967001", "Asthma"),
    ];

    /// <summary>SNOMED CT practice settings (the R4 c80-practice-codes value set).</summary>
    public static readonly IReadOnlyList<DirectoryCode> MentalHealthSpecialties =
    [
        new(Snomed, "394587001", "Psychiatry"),
        new(Snomed, "394913002", "Psychotherapy"),
        new(Snomed, "408467006", "Adult mental illness"),
    ];

    public static readonly IReadOnlyList<DirectoryCode> OtherSpecialties =
    [
        new(Snomed, "394814009", "General practice"),
        new(Snomed, "419772000", "Family practice"),
        new(Snomed, "394537008", "Pediatric specialty"),
    ];

    /// <summary>BCP 47 languages with the share of services that offer each; French nearly everywhere.</summary>
    public static readonly IReadOnlyList<(string Code, double Share)> Languages =
    [
        ("fr", 0.85), ("en", 0.45), ("ar", 0.12), ("de", 0.10), ("es", 0.08), ("it", 0.06), ("pt", 0.06), ("tr", 0.04),
    ];

    private static readonly DirectoryCode Doctor = new("http://terminology.hl7.org/CodeSystem/practitioner-role", "doctor", "Doctor");
    private static readonly DirectoryCode Nurse = new("http://terminology.hl7.org/CodeSystem/practitioner-role", "nurse", "Nurse");

    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
    private static readonly DayOfWeek[] EveryDay = [.. Weekdays, DayOfWeek.Saturday, DayOfWeek.Sunday];

    private static readonly string[] Families =
    [
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
        "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier",
        "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Benali", "Haddad", "Nguyen", "Diallo", "Traoré", "Ben Salah",
        "Kowalski", "Da Silva", "Rossi", "Müller", "Öztürk",
    ];

    private static readonly string[] FemaleGivens = ["Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Amina", "Claire", "Hélène", "Fatima", "Anne"];
    private static readonly string[] MaleGivens = ["Lucas", "Hugo", "Louis", "Nathan", "Karim", "Thomas", "Julien", "Mehdi", "Pierre", "Jérôme", "Antoine", "Yann"];

    private static readonly string[] OrganizationKinds =
        ["Centre médico-psychologique", "Clinique", "Maison de santé", "Cabinet", "Centre hospitalier", "Association", "Centre de santé"];

    private static readonly string[] Streets =
        ["rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "place de la Mairie", "boulevard Pasteur", "rue des Écoles", "chemin du Moulin", "rue du Général Leclerc"];

    private static readonly string[] ServiceKinds = ["Consultations", "Accueil", "Hôpital de jour", "Équipe mobile", "Permanence", "Groupe"];

    private const double KmPerDegree = 111.2;

    /// <summary>The directory of <paramref name="size"/> drawn from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">A count below one.</exception>
    public static DirectoryDataset Generate(DirectorySize size, int seed)
    {
        size.Validate();
        var organizations = GenerateOrganizations(size.Organizations, new Random(Seed(seed, 1)));
        var organizationsByCity = Cities.Select((_, c) => organizations.Where(o => o.City == c).Select(o => o.Id).ToList()).ToList();
        var locations = GenerateLocations(size.Locations, organizations, organizationsByCity, new Random(Seed(seed, 2)));
        var locationsByCity = Cities.Select((_, c) => locations.Where(l => l.City == c).ToList()).ToList();
        var services = GenerateServices(size.Services, locations, locationsByCity, new Random(Seed(seed, 3)));
        var practitioners = GeneratePractitioners(size.Practitioners, new Random(Seed(seed, 4)));
        var roles = GenerateRoles(size.Roles, practitioners, services, new Random(Seed(seed, 5)));
        return new DirectoryDataset(organizations, locations, services, practitioners, roles);
    }

    /// <summary>Unique for every practitioner below 90 million: 7919 is prime and does not divide 90,000,000.</summary>
    public static string Licence(int practitioner) =>
        ((((long)practitioner * 7_919) + 1_000_003) % 90_000_000 + 10_000_000).ToString(CultureInfo.InvariantCulture);

    /// <summary>A city drawn with the cities' weights.</summary>
    public static int WeightedCity(Random random)
    {
        var draw = random.Next(Cities.Sum(c => c.Weight));
        for (var c = 0; c < Cities.Count; c++)
        {
            draw -= Cities[c].Weight;
            if (draw < 0)
            {
                return c;
            }
        }

        return Cities.Count - 1;
    }

    /// <summary>A point near (<paramref name="spreadKm"/> standard deviation) the given centre, kept inside the country.</summary>
    public static (double Latitude, double Longitude) Near(Random random, double latitude, double longitude, double spreadKm)
    {
        var north = Gaussian(random) * spreadKm;
        var east = Gaussian(random) * spreadKm;
        var lat = latitude + (north / KmPerDegree);
        var lon = longitude + (east / (KmPerDegree * Math.Cos(latitude * Math.PI / 180)));
        return (Math.Round(Math.Clamp(lat, MinLatitude, MaxLatitude), 6), Math.Round(Math.Clamp(lon, MinLongitude, MaxLongitude), 6));
    }

    /// <summary>Great-circle distance in km (haversine, mean Earth radius 6371.0088 km).</summary>
    public static double DistanceKm(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(latitude2 - latitude1);
        var dLon = Radians(longitude2 - longitude1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) +
                (Math.Cos(Radians(latitude1)) * Math.Cos(Radians(latitude2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * 6371.0088 * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static int Seed(int seed, int kind) => unchecked((seed * 31) + kind);

    private static List<DirectoryOrganization> GenerateOrganizations(int count, Random random)
    {
        // The first twentieth are groups (hospital groups, networks); a third of the others belong to one.
        var groups = Math.Max(1, count / 20);
        var organizations = new List<DirectoryOrganization>(count);
        for (var i = 0; i < count; i++)
        {
            var city = WeightedCity(random);
            var isGroup = i < groups;
            var name = isGroup
                ? $"Groupe de santé {Cities[city].Name} {i + 1}"
                : $"{OrganizationKinds[random.Next(OrganizationKinds.Length)]} {Cities[city].Name} {i + 1}";
            string? partOf = !isGroup && random.Next(3) == 0 ? OrganizationId(random.Next(groups)) : null;
            organizations.Add(new DirectoryOrganization(
                OrganizationId(i), name, $"ORG-{i + 1:D6}", city, isGroup, partOf, Phone("+33 1", i, 104_729), Line(random), PostalCode(random, city)));
        }

        return organizations;
    }

    private static List<DirectoryLocation> GenerateLocations(
        int count, List<DirectoryOrganization> organizations, List<List<string>> organizationsByCity, Random random)
    {
        var locations = new List<DirectoryLocation>(count);
        for (var i = 0; i < count; i++)
        {
            int city;
            double latitude, longitude;
            if (random.Next(100) < 15)
            {
                // The countryside: anywhere in the area, attached to the nearest city's organizations.
                latitude = Math.Round(MinLatitude + (random.NextDouble() * (MaxLatitude - MinLatitude)), 6);
                longitude = Math.Round(MinLongitude + (random.NextDouble() * (MaxLongitude - MinLongitude)), 6);
                city = Enumerable.Range(0, Cities.Count).MinBy(c => DistanceKm(latitude, longitude, Cities[c].Latitude, Cities[c].Longitude));
            }
            else
            {
                city = WeightedCity(random);
                (latitude, longitude) = Near(random, Cities[city].Latitude, Cities[city].Longitude, Cities[city].SpreadKm);
            }

            var local = organizationsByCity[city];
            var organization = local.Count > 0 ? local[random.Next(local.Count)] : organizations[random.Next(organizations.Count)].Id;
            locations.Add(new DirectoryLocation(LocationId(i), $"Site {Cities[city].Name} {i + 1}", city, latitude, longitude, organization));
        }

        return locations;
    }

    private static List<DirectoryService> GenerateServices(
        int count, List<DirectoryLocation> locations, List<List<DirectoryLocation>> locationsByCity, Random random)
    {
        var services = new List<DirectoryService>(count);
        for (var i = 0; i < count; i++)
        {
            var primary = locations[random.Next(locations.Count)];
            var serviceLocations = new List<string> { primary.Id };
            var sameCity = locationsByCity[primary.City];
            if (random.Next(4) == 0 && sameCity.Count > 1)
            {
                var second = sameCity[random.Next(sameCity.Count)];
                if (second.Id != primary.Id)
                {
                    serviceLocations.Add(second.Id);
                }
            }

            var isMentalHealth = random.Next(100) < 60;
            var types = new List<DirectoryCode>();
            if (isMentalHealth)
            {
                // Half the mental-health services treat depression, with one or two other disorders.
                if (random.Next(2) == 0)
                {
                    types.Add(DepressiveDisorder);
                }

                var others = 1 + random.Next(2);
                for (var t = 0; t < others; t++)
                {
                    var type = MentalHealthTypes[1 + random.Next(MentalHealthTypes.Count - 1)];
                    if (!types.Contains(type))
                    {
                        types.Add(type);
                    }
                }
            }
            else
            {
                types.Add(OtherTypes[random.Next(OtherTypes.Count)]);
            }

            var specialty = isMentalHealth
                ? MentalHealthSpecialties[random.Next(MentalHealthSpecialties.Count)]
                : OtherSpecialties[random.Next(OtherSpecialties.Count)];
            var languages = Languages.Where(l => random.NextDouble() < l.Share).Select(l => l.Code).ToList();
            if (languages.Count == 0)
            {
                languages.Add("fr");
            }

            var characteristics = new List<string>();
            if (random.Next(100) < 55)
            {
                characteristics.Add(AcceptingNewClients);
            }

            if (random.Next(100) < 35)
            {
                characteristics.Add(Telehealth);
            }

            var isActive = random.Next(100) < 95;
            var name = $"{ServiceKinds[random.Next(ServiceKinds.Length)]} {types[0].Display.ToLowerInvariant()} {Cities[primary.City].Name} {i + 1}";
            services.Add(new DirectoryService(
                ServiceId(i), name, isActive, isMentalHealth, primary.OrganizationId, serviceLocations, types, specialty, languages, characteristics, ServiceHours(random)));
        }

        return services;
    }

    /// <summary>
    /// Opening hours: a twelfth open around the clock (crisis lines); the others on weekdays, some
    /// closed over lunch, some also on Saturday morning, some Tuesday to Saturday.
    /// </summary>
    private static List<OpeningHours> ServiceHours(Random random)
    {
        if (random.Next(12) == 0)
        {
            return [new OpeningHours(EveryDay, null, null)];
        }

        var days = random.Next(10) == 0
            ? [DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday]
            : Weekdays;
        var opens = new TimeOnly(8, 0).AddMinutes(30 * random.Next(3));
        var closes = new TimeOnly(17, 0).AddHours(random.Next(3));
        var hours = new List<OpeningHours>();
        if (random.Next(5) == 0)
        {
            hours.Add(new OpeningHours(days, opens, new TimeOnly(12, 30)));
            hours.Add(new OpeningHours(days, new TimeOnly(13, 30), closes));
        }
        else
        {
            hours.Add(new OpeningHours(days, opens, closes));
        }

        if (!days.Contains(DayOfWeek.Saturday) && random.Next(10) < 3)
        {
            hours.Add(new OpeningHours([DayOfWeek.Saturday], new TimeOnly(9, 0), new TimeOnly(12, 0)));
        }

        return hours;
    }

    private static List<DirectoryPractitioner> GeneratePractitioners(int count, Random random)
    {
        var practitioners = new List<DirectoryPractitioner>(count);
        for (var i = 0; i < count; i++)
        {
            var isFemale = random.Next(100) < 55;
            var givens = isFemale ? FemaleGivens : MaleGivens;
            var given = givens[random.Next(givens.Length)];
            if (random.Next(100) < 15)
            {
                given += "-" + givens[random.Next(givens.Length)];
            }

            var family = Families[random.Next(Families.Length)];
            if (random.Next(100) < 15)
            {
                family += "-" + Families[random.Next(Families.Length)];
            }

            var qualification = random.Next(3) == 0 ? "Psychiatrist" : random.Next(2) == 0 ? "Psychologist" : "Registered nurse";
            var languages = new List<string> { "fr" };
            languages.AddRange(Languages.Skip(1).Where(l => random.NextDouble() < l.Share).Select(l => l.Code));
            var city = WeightedCity(random);
            var email = $"{Ascii(given)}.{Ascii(family)}.{i + 1}@sante.example.fr";
            practitioners.Add(new DirectoryPractitioner(
                PractitionerId(i), Licence(i), family, given, isFemale ? "female" : "male", random.Next(100) < 97, qualification, languages,
                Phone("+33 6", i, 7_919), email, Line(random), PostalCode(random, city), city));
        }

        return practitioners;
    }

    private static List<DirectoryRole> GenerateRoles(int count, List<DirectoryPractitioner> practitioners, List<DirectoryService> services, Random random)
    {
        var roles = new List<DirectoryRole>(count);
        for (var i = 0; i < count; i++)
        {
            // Every practitioner has a role when there are enough; the rest go to practitioners at random.
            var practitioner = i < practitioners.Count ? practitioners[i] : practitioners[random.Next(practitioners.Count)];
            var service = services[random.Next(services.Count)];
            var location = service.LocationIds[random.Next(service.LocationIds.Count)];
            var start = new DateOnly(2010, 1, 1).AddDays(random.Next(15 * 365));
            DateOnly? end = null;
            var isActive = random.Next(100) < 96;
            if (random.Next(100) < 10)
            {
                // Ended between 2019 and 2025 (after it started); most were switched off, some were not.
                var earliest = Math.Max(start.AddDays(30).DayNumber, new DateOnly(2019, 1, 1).DayNumber);
                var latest = new DateOnly(2025, 12, 31).DayNumber;
                end = DateOnly.FromDayNumber(earliest >= latest ? latest : earliest + random.Next(latest - earliest));
                if (end < start)
                {
                    start = end.Value.AddDays(-365);
                }

                isActive = random.Next(100) < 30;
            }

            var code = practitioner.Qualification == "Registered nurse" ? Nurse : Doctor;
            var serviceDays = service.Hours.SelectMany(h => h.Days).Distinct().Order().ToList();
            var days = serviceDays.Where(_ => random.Next(100) < 70).ToList();
            if (days.Count == 0)
            {
                days.Add(serviceDays[random.Next(serviceDays.Count)]);
            }

            var hours = new List<OpeningHours> { new(days, new TimeOnly(9, 0), new TimeOnly(17, 0)) };
            roles.Add(new DirectoryRole(
                RoleId(i), isActive, practitioner.Id, service.OrganizationId, location, service.Id, code, service.Specialty, start, end, hours));
        }

        return roles;
    }

    /// <summary>Eight digits unique for each index below 10^8: the step is prime and does not divide 10^8.</summary>
    private static string Phone(string prefix, int index, long step)
    {
        var digits = ((index * step) + 12_345_678) % 100_000_000;
        return $"{prefix} {digits / 1_000_000:D2} {digits / 10_000 % 100:D2} {digits / 100 % 100:D2} {digits % 100:D2}";
    }

    private static string Line(Random random) => $"{1 + random.Next(180)} {Streets[random.Next(Streets.Length)]}";

    /// <summary>A postal code of the city's own range (synthetic, not the real ones).</summary>
    private static string PostalCode(Random random, int city) => (10_000 + (city * 3_000) + (random.Next(300) * 10)).ToString("D5", CultureInfo.InvariantCulture);

    private static string Ascii(string name) =>
        new([.. name.Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetter).Select(char.ToLowerInvariant)]);

    /// <summary>A standard normal draw (Box-Muller).</summary>
    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static string OrganizationId(int i) => $"org-{i + 1}";

    private static string LocationId(int i) => $"loc-{i + 1}";

    private static string ServiceId(int i) => $"hs-{i + 1}";

    private static string PractitionerId(int i) => $"prac-{i + 1}";

    private static string RoleId(int i) => $"role-{i + 1}";
}
