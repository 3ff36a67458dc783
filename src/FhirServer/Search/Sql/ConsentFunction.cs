namespace FhirMh.FhirServer.Search.Sql;

/// <summary>
/// On PostgreSQL, whether the consent of one patient hides one row from the caller is asked of
/// the function <c>fhirmh_consent_denies</c> (migration <c>ConsentFunction</c>), which holds the
/// same test as <see cref="ConsentPredicates"/> written in SQL. Inlined, that test is some thirty
/// sub-queries that PostgreSQL planned again for every search (searches are planned for their own
/// values): 6.5 ms of planning against 0.3 ms of execution. Inside a PL/pgSQL function its one
/// statement is planned once per session, and every lookup in it is by patient or row id, so a
/// generic plan is the right one.
/// </summary>
internal static class ConsentFunction
{
    public const string Name = "fhirmh_consent_denies";

    /// <summary>
    /// True when the effective consent of <paramref name="patientId"/> (or its absence, under a
    /// deny-by-default policy) hides the row from a caller with these actors, purposes and actions.
    /// Mapped by <see cref="Storage.Postgres.PostgresFhirDbContext"/>; only translated to SQL, never run in .NET.
    /// </summary>
    public static bool Denies(
        string patientId, long rowId, string resourceType, string resourceId,
        string[] actors, string[] purposes, string[] actions, NodaTime.Instant now, bool isDenyByDefault, string dataDateParameter) =>
        throw new InvalidOperationException("Only inside a PostgreSQL query.");
}
