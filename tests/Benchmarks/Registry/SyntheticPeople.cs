using System.Globalization;

namespace FhirMh.Benchmarks.Registry;

/// <summary>
/// Deterministic synthetic people registered by two or three source systems with the intake noise
/// of low-resource clinics: nicknames (Bill for William), given and family names swapped, typos,
/// upper-case entry, day and month swapped, year-only and 1 January birth dates, missing fields,
/// phones in several formats or a relative's phone, the national id often unknown, and now and
/// then a person registered twice at the same clinic. Person <c>k</c> is drawn from a
/// <see cref="Random"/> seeded with the run's seed and <c>k</c>, so the same seed gives the same
/// people, and <see cref="CleanRecord"/> and <see cref="NoisyRecord"/> agree with <see cref="Records"/>.
/// The name and place lists are our own.
/// </summary>
internal sealed class SyntheticPeople(int seed)
{
    public const string Country = "ZW";
    public const string SourceC = "https://fhirmh.org/bench/source-c";

    /// <summary>The registering sources and how likely a person is to have visited each.</summary>
    private static readonly (string System, string Prefix, double Share)[] Sources =
        [(RegistryDataset.SourceA, "A", 0.8), (RegistryDataset.SourceB, "B", 0.55), (SourceC, "C", 0.35)];

    private static readonly string[] MaleGivens =
    [
        "Tendai", "Farai", "Tatenda", "Kudakwashe", "Blessing", "Takudzwa", "Simbarashe", "Tinashe", "Tapiwa", "Munyaradzi",
        "John", "William", "Robert", "Joseph", "Samuel", "Thomas", "Michael", "James", "Peter", "Daniel",
        "Charles", "Richard", "Edward", "Christopher", "Emmanuel", "Godfrey", "Moses", "Isaac", "Brighton", "Innocent",
    ];

    private static readonly string[] FemaleGivens =
    [
        "Chipo", "Rutendo", "Nyasha", "Tsitsi", "Ruvimbo", "Tariro", "Fadzai", "Rumbidzai", "Vimbai", "Nokuthula",
        "Mary", "Elizabeth", "Margaret", "Patricia", "Catherine", "Grace", "Esther", "Ruth", "Rebecca", "Susan",
        "Jennifer", "Dorothy", "Precious", "Memory", "Loveness", "Abigail", "Victoria", "Josephine", "Charity", "Gift",
    ];

    private static readonly Dictionary<string, string[]> Nicknames = new(StringComparer.Ordinal)
    {
        ["William"] = ["Bill", "Will", "Willie"], ["Robert"] = ["Bob", "Rob"], ["Joseph"] = ["Joe"], ["Samuel"] = ["Sam"],
        ["Thomas"] = ["Tom", "Tommy"], ["Michael"] = ["Mike"], ["James"] = ["Jim", "Jimmy"], ["Peter"] = ["Pete"],
        ["Daniel"] = ["Dan", "Danny"], ["Charles"] = ["Charlie", "Chuck"], ["Richard"] = ["Rick", "Dick"], ["Edward"] = ["Ed", "Eddie"],
        ["Christopher"] = ["Chris"], ["Kudakwashe"] = ["Kuda"], ["Takudzwa"] = ["Taku"], ["Simbarashe"] = ["Simba"],
        ["Munyaradzi"] = ["Munya"], ["Rumbidzai"] = ["Rumbi"], ["Elizabeth"] = ["Liz", "Beth", "Betty"], ["Margaret"] = ["Maggie", "Peggy"],
        ["Patricia"] = ["Pat", "Patty"], ["Catherine"] = ["Kate", "Cathy"], ["Rebecca"] = ["Becky"], ["Susan"] = ["Sue"],
        ["Jennifer"] = ["Jenny"], ["Dorothy"] = ["Dot"], ["Victoria"] = ["Vicky"], ["Josephine"] = ["Jo", "Josie"], ["Abigail"] = ["Abby"],
    };

    private static readonly string[] Families =
    [
        "Moyo", "Ncube", "Sibanda", "Dube", "Ndlovu", "Mpofu", "Nyathi", "Chikwanha", "Mutasa", "Chirwa",
        "Banda", "Phiri", "Mwale", "Zulu", "Gumbo", "Mhlanga", "Makoni", "Chinembiri", "Mukono", "Marufu",
        "Shumba", "Nkomo", "Tshuma", "Mlambo", "Khumalo", "Mavhunga", "Chigumba", "Zhou", "Mazarura", "Hove",
        "Mandaza", "Kanengoni", "Musarurwa", "Chiweshe", "Smith", "Brown", "Taylor", "Wilson", "Mapfumo", "Chidziva",
    ];

    private static readonly (string Town, string Province)[] Towns =
    [
        ("Harare", "Harare"), ("Chitungwiza", "Harare"), ("Norton", "Mashonaland West"), ("Bulawayo", "Bulawayo"),
        ("Mutare", "Manicaland"), ("Rusape", "Manicaland"), ("Gweru", "Midlands"), ("Kwekwe", "Midlands"),
        ("Zvishavane", "Midlands"), ("Masvingo", "Masvingo"), ("Chinhoyi", "Mashonaland West"), ("Kadoma", "Mashonaland West"),
        ("Marondera", "Mashonaland East"), ("Bindura", "Mashonaland Central"), ("Hwange", "Matabeleland North"), ("Gwanda", "Matabeleland South"),
    ];

    private static readonly string[] Streets =
    [
        "Main Road", "Market Street", "Church Road", "Station Road", "Hospital Road", "Mission Road", "School Lane", "Second Avenue",
        "Fifth Street", "Acacia Drive", "Msasa Close", "Jacaranda Avenue", "Baobab Crescent", "Industrial Road", "Kopje Road", "River Drive",
    ];

    private static readonly string[] Localities = ["Ward 3", "Ward 7", "Ward 12", "Village 4", "Extension", "Phase 2", "Section B", "near the clinic"];

    /// <summary>Registrations of <paramref name="people"/> people (person keys 1 to N) in the order the sources send them.</summary>
    public List<PersonRecord> Records(int people)
    {
        var records = new List<PersonRecord>();
        var serial = 0;
        for (var key = 1; key <= people; key++)
        {
            var random = new Random(Seed(key, 1));
            var visited = Sources.Where(s => random.NextDouble() < s.Share).ToList();
            if (visited.Count == 0)
            {
                visited.Add(Sources[0]);
            }

            // Registered again at the same clinic under a new number: lost card, different desk.
            if (random.NextDouble() < 0.04)
            {
                visited.Add(visited[random.Next(visited.Count)]);
            }

            foreach (var source in visited)
            {
                records.Add(NoisyRecord(key, source.System, RecordId(source.Prefix, serial++), random));
            }
        }

        // Arrival order is not person order.
        var order = new Random(Seed(0, 2));
        for (var i = records.Count - 1; i > 0; i--)
        {
            var j = order.Next(i + 1);
            (records[i], records[j]) = (records[j], records[i]);
        }

        return records;
    }

    /// <summary>Person <paramref name="personKey"/> as a careful clerk records them, phone in local format.</summary>
    public PersonRecord CleanRecord(int personKey, string sourceSystem, string recordId)
    {
        var random = new Random(Seed(personKey, 0));
        var sex = random.Next(2) == 0 ? "m" : "f";
        var givens = sex == "m" ? MaleGivens : FemaleGivens;
        var given = givens[random.Next(givens.Length)];
        var family = Families[random.Next(Families.Length)];
        var birthDate = new DateOnly(1940, 1, 1).AddDays(random.Next(new DateOnly(2015, 12, 31).DayNumber - new DateOnly(1940, 1, 1).DayNumber));
        var phone = random.NextDouble() < 0.8 ? "07" + "1378"[random.Next(4)] + random.Next(1_000_000, 10_000_000).ToString(CultureInfo.InvariantCulture) : null;
        var nationalId = random.NextDouble() < 0.5
            ? string.Create(CultureInfo.InvariantCulture, $"{random.Next(1, 80):D2}{random.Next(100_000, 10_000_000)}{(char)('A' + random.Next(26))}{random.Next(10, 100)}")
            : null;
        var (town, province) = Towns[random.Next(Towns.Length)];
        var hasStreet = random.NextDouble() < 0.6;
        return new PersonRecord(
            recordId, personKey, sourceSystem, given, family,
            hasStreet ? random.Next(1, 4000).ToString(CultureInfo.InvariantCulture) : null,
            hasStreet ? Streets[random.Next(Streets.Length)] : null,
            random.NextDouble() < 0.4 ? Localities[random.Next(Localities.Length)] : null,
            town, null, province, birthDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture), nationalId, sex, phone);
    }

    /// <summary>Person <paramref name="personKey"/> as one intake desk records them, with noise drawn from <paramref name="random"/>.</summary>
    public PersonRecord NoisyRecord(int personKey, string sourceSystem, string recordId, Random random)
    {
        var clean = CleanRecord(personKey, sourceSystem, recordId);
        var given = clean.Given!;
        var family = clean.Family!;
        if (Nicknames.TryGetValue(given, out var nicknames) && random.NextDouble() < 0.12)
        {
            given = nicknames[random.Next(nicknames.Length)];
        }

        if (clean.Sex == "f" && random.NextDouble() < 0.02)
        {
            family = Families[random.Next(Families.Length)]; // married since the last visit
        }

        given = random.NextDouble() < 0.06 ? Typo(given, random) : given;
        family = random.NextDouble() < 0.08 ? Typo(family, random) : family;
        if (random.NextDouble() < 0.03)
        {
            (given, family) = (family, given);
        }

        if (random.NextDouble() < 0.08)
        {
            (given, family) = (given.ToUpperInvariant(), family.ToUpperInvariant());
        }

        var nationalId = clean.SocSecId is { } id && random.NextDouble() < 0.6
            ? (random.NextDouble() < 0.03 ? Typo(id, random, digits: true) : id)
            : null;
        var hasAddress = random.NextDouble() < 0.85;
        return clean with
        {
            Given = random.NextDouble() < 0.01 ? null : given,
            Family = family,
            BirthDate = NoisyBirthDate(clean.BirthDate!, random),
            Sex = random.NextDouble() switch { < 0.03 => null, < 0.04 => clean.Sex == "m" ? "f" : "m", _ => clean.Sex },
            Phone = NoisyPhone(clean.Phone, personKey, random),
            SocSecId = nationalId,
            StreetNumber = hasAddress ? clean.StreetNumber : null,
            Address1 = hasAddress ? clean.Address1 : null,
            Address2 = hasAddress && random.NextDouble() < 0.7 ? clean.Address2 : null,
            Suburb = hasAddress || random.NextDouble() < 0.5 ? (random.NextDouble() < 0.04 ? Typo(clean.Suburb!, random) : clean.Suburb) : null,
            State = hasAddress ? clean.State : null,
        };
    }

    /// <summary>An opaque record number of a source: a permutation of the serial, so numbers say nothing about the person.</summary>
    public static string RecordId(string prefix, int serial) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{((long)serial * 7_919 + 104_729) % 90_000_000 + 10_000_000}");

    private static string? NoisyBirthDate(string yyyymmdd, Random random)
    {
        var (year, month, day) = (yyyymmdd[..4], yyyymmdd[4..6], yyyymmdd[6..]);
        return random.NextDouble() switch
        {
            < 0.02 => null, // unknown
            < 0.08 => year, // only the year is known
            < 0.11 => year + "0101", // estimated: 1 January of the year
            < 0.15 when int.Parse(day, CultureInfo.InvariantCulture) <= 12 && day != month => year + day + month, // day and month swapped
            < 0.18 => (int.Parse(year, CultureInfo.InvariantCulture) + (random.Next(2) == 0 ? -1 : 1)).ToString(CultureInfo.InvariantCulture) + month + day,
            < 0.20 => year + month + Typo(day, random, digits: true),
            _ => yyyymmdd,
        };
    }

    private string? NoisyPhone(string? phone, int personKey, Random random)
    {
        if (random.NextDouble() < 0.05 && personKey > 1)
        {
            phone = CleanRecord(personKey - 1, string.Empty, string.Empty).Phone; // a relative's or neighbour's phone
        }

        if (phone is null || random.NextDouble() < 0.25)
        {
            return null;
        }

        if (random.NextDouble() < 0.03)
        {
            phone = phone[..3] + Typo(phone[3..], random, digits: true);
        }

        var national = phone[1..]; // 7XXXXXXXX
        return random.Next(5) switch
        {
            0 => phone,
            1 => $"{phone[..3]} {phone[3..6]} {phone[6..]}",
            2 => $"+263 {national[..2]} {national[2..5]} {national[5..]}",
            3 => "263" + national,
            _ => "+263" + national,
        };
    }

    private static string Typo(string text, Random random, bool digits = false)
    {
        if (text.Length < 2)
        {
            return text;
        }

        var letters = digits ? "0123456789" : "abcdefghijklmnopqrstuvwxyz";
        var at = random.Next(text.Length);
        var letter = letters[random.Next(letters.Length)].ToString();
        letter = char.IsUpper(text[at]) ? letter.ToUpperInvariant() : letter;
        return random.Next(digits ? 1 : 4) switch
        {
            0 => text[..at] + letter + text[(at + 1)..], // substitution
            1 => text.Remove(at, 1), // deletion
            2 => text.Insert(at, letter), // insertion
            _ when at + 1 < text.Length => text[..at] + text[at + 1] + text[at] + text[(at + 2)..], // transposition
            _ => text[..at] + letter,
        };
    }

    private int Seed(int personKey, int stream) => unchecked((seed * 1_000_003) + (personKey * 31) + stream);
}
