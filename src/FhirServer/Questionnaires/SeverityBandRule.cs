namespace FhirMh.FhirServer.Questionnaires;

/// <summary>A severity band: totals from <see cref="Low"/> to <see cref="High"/>, both included, take the band's code of the score-severity CodeSystem.</summary>
internal sealed record SeverityBandRule(decimal Low, decimal High, string Code, string Display);
