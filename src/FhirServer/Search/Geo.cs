namespace FhirMh.FhirServer.Search;

/// <summary>
/// Great-circle geometry on a sphere of the Earth's mean radius (IUGG, 6371.0088 km), which is
/// within 0.5% of the WGS84 ellipsoid: enough for "services within 20 km".
/// </summary>
internal static class Geo
{
    public const double EarthRadiusKm = 6371.0088;

    /// <summary>Half the Earth's circumference: no two points are further apart.</summary>
    public const double MaxDistanceKm = Math.PI * EarthRadiusKm;

    public static bool IsValid(double latitude, double longitude) =>
        latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180;

    /// <summary>The point on the unit sphere.</summary>
    public static (double X, double Y, double Z) UnitVector(double latitude, double longitude)
    {
        var (lat, lon) = (Radians(latitude), Radians(longitude));
        return (Math.Cos(lat) * Math.Cos(lon), Math.Cos(lat) * Math.Sin(lon), Math.Sin(lat));
    }

    /// <summary>The squared chord between two points of the unit sphere that are <paramref name="km"/> apart along the surface.</summary>
    public static double ChordSquared(double km)
    {
        var chord = 2 * Math.Sin(Math.Min(km, MaxDistanceKm) / (2 * EarthRadiusKm));
        return chord * chord;
    }

    /// <summary>The surface distance of a squared chord of the unit sphere.</summary>
    public static double Kilometres(double chordSquared) =>
        2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(Math.Max(0, chordSquared)) / 2));

    /// <summary>How many degrees of latitude <paramref name="km"/> spans along a meridian.</summary>
    public static double LatitudeDegrees(double km) => km / EarthRadiusKm * 180 / Math.PI;

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
