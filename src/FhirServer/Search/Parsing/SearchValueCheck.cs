using System.Globalization;
using FhirMh.FhirServer.Rest;
using FhirMh.FhirServer.Search.Parameters;
using Hl7.Fhir.Model;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>Reads the typed parts of search values (search.html#ptypes); a malformed value is a 400 naming the parameter.</summary>
internal static class SearchValueCheck
{
    public static void Check(SearchParameterDefinition parameter, string? modifier, SearchValue value, string key)
    {
        if (modifier is "missing")
        {
            return;
        }

        switch (parameter.Special)
        {
            case SpecialSearch.Near:
                _ = NearValue.Parse(value, key, defaultKilometres: 1);
                return;
            case SpecialSearch.OpenAt:
                _ = WallClockValue.Parse(value, key, NodaTime.DateTimeZone.Utc);
                return;
            case SpecialSearch.InEffect:
                _ = Date(value, key);
                return;
            default:
                break;
        }

        switch (parameter.Type)
        {
            case SearchParamType.Date:
                _ = Date(value, key);
                break;
            case SearchParamType.Number:
                _ = Number(value.Text, key);
                break;
            case SearchParamType.Quantity:
                _ = Quantity(value, key);
                break;
            case SearchParamType.Composite:
                _ = Composite(parameter, value, key);
                break;
            default:
                if (value.Text.Length == 0)
                {
                    throw FhirException.BadRequest($"The parameter '{key}' has an empty value.", key);
                }

                break;
        }
    }

    /// <summary>
    /// <c>first$second</c> (search.html#composite): a token and a value of the second component's
    /// type, each checked by the rules of its type here, when the search is parsed, so that a
    /// malformed one is refused whether or not a statement for it is ever built.
    /// </summary>
    public static (SearchValue First, SearchValue Second) Composite(SearchParameterDefinition parameter, SearchValue value, string key)
    {
        var parts = SearchEscaping.Split(value.Text, '$');
        if (parts.Count != 2 || parts[0].Length == 0 || parts[1].Length == 0 || parameter.Components.Count != 2)
        {
            throw FhirException.BadRequest($"'{value.Text}' in '{key}' must be two values joined by $, e.g. http://loinc.org|8480-6$gt120.", key);
        }

        var secondDefinition = parameter.Components[1].Definition;
        var second = SearchParser.SplitValues(parts[1], secondDefinition.Type)[0];
        Check(secondDefinition, null, second, key);
        return (new SearchValue(SearchPrefix.Eq, parts[0]), second);
    }

    public static FhirDateRange Date(SearchValue value, string key) =>
        FhirDateRange.TryParse(value.Text, out var range)
            ? range
            : throw FhirException.BadRequest(
                $"'{value.Text}' in '{key}' is not a FHIR date, e.g. 2024, 2024-05, 2024-05-17 or 2024-05-17T10:00:00Z.", key);

    public static decimal Number(string text, string key) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw FhirException.BadRequest($"'{text}' in '{key}' is not a number.", key);

    /// <summary><c>number|system|code</c>, <c>number||code</c> or <c>number</c> (search.html#quantity).</summary>
    public static (decimal Number, string Text, string? System, string? Code) Quantity(SearchValue value, string key)
    {
        var parts = SearchEscaping.Split(value.Text, '|').Select(SearchEscaping.Unescape).ToList();
        if (parts.Count is not (1 or 3))
        {
            throw FhirException.BadRequest($"'{value.Text}' in '{key}' must be number, number|system|code or number||code.", key);
        }

        return (Number(parts[0], key), parts[0], parts.Count == 3 && parts[1].Length > 0 ? parts[1] : null, parts.Count == 3 && parts[2].Length > 0 ? parts[2] : null);
    }

    /// <summary><c>system|code</c>, <c>|code</c> (no system), <c>system|</c> (any code) or <c>code</c> (any system).</summary>
    public static (string? System, string? Code, bool HasSystem) Token(string text)
    {
        var parts = SearchEscaping.Split(text, '|');
        if (parts.Count == 1)
        {
            return (null, SearchEscaping.Unescape(parts[0]), false);
        }

        var code = string.Join('|', parts.Skip(1));
        return (parts[0].Length == 0 ? null : SearchEscaping.Unescape(parts[0]), code.Length == 0 ? null : SearchEscaping.Unescape(code), true);
    }
}
