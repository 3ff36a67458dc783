using System.Globalization;
using FhirMh.FhirServer.Rest;

namespace FhirMh.FhirServer.Search.Parsing;

/// <summary>
/// A value of Location <c>near</c>: <c>latitude|longitude|distance|units</c> (R4
/// SearchParameter Location-near). Units are UCUM length codes, kilometres when omitted; without a
/// distance the server's default radius applies.
/// </summary>
internal sealed record NearValue(double Latitude, double Longitude, double Kilometres)
{
    public static NearValue Parse(SearchValue value, string key, double defaultKilometres)
    {
        var parts = SearchEscaping.Split(value.Text, '|');
        if (parts.Count is < 2 or > 4)
        {
            throw FhirException.BadRequest($"'{value.Text}' in '{key}' is not latitude|longitude|distance|units, e.g. 45.5|-73.6|20|km.", key);
        }

        var latitude = Number(parts[0], "latitude", key);
        var longitude = Number(parts[1], "longitude", key);
        if (!Geo.IsValid(latitude, longitude))
        {
            throw FhirException.BadRequest($"'{value.Text}' in '{key}': the latitude must be within -90 and 90 and the longitude within -180 and 180.", key);
        }

        var kilometres = defaultKilometres;
        if (parts.Count > 2 && parts[2].Length > 0)
        {
            var distance = Number(parts[2], "distance", key);
            var unit = parts.Count == 4 && parts[3].Length > 0 ? parts[3] : "km";
            var factor = unit switch
            {
                "km" => 1.0,
                "m" => 0.001,
                "[mi_i]" or "mi" => 1.609344,
                "[mi_us]" => 1.609347219,
                "[nmi_i]" => 1.852,
                _ => throw FhirException.BadRequest($"'{unit}' in '{key}' is not a unit of distance this server knows: km, m, [mi_i] or [nmi_i] (UCUM).", key),
            };
            kilometres = distance * factor;
            if (kilometres <= 0)
            {
                throw FhirException.BadRequest($"The distance in '{key}' must be greater than zero.", key);
            }
        }

        return new NearValue(latitude, longitude, Math.Min(kilometres, Geo.MaxDistanceKm));
    }

    private static double Number(string text, string what, string key) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : throw FhirException.BadRequest($"The {what} '{text}' in '{key}' is not a decimal number.", key);
}
