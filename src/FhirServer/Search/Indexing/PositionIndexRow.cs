namespace FhirMh.FhirServer.Search.Indexing;

/// <summary>
/// A position for <c>near</c> (Location.position, WGS84). Besides latitude and longitude it keeps
/// the point on the unit sphere, so the straight-line (chord) distance to a search point is plain
/// arithmetic that both databases evaluate, and the chord grows with the great-circle distance:
/// a radius and an order by distance need no trigonometry in SQL.
/// </summary>
internal sealed class PositionIndexRow : IndexRow
{
    public double Latitude { get; set; }

    public double Longitude { get; set; }

    public double X { get; set; }

    public double Y { get; set; }

    public double Z { get; set; }
}
