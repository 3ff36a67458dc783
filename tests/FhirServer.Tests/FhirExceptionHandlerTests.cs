using FhirMh.FhirServer.Rest;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace FhirMh.FhirServer.Tests;

/// <summary>Which failures become which status: a database too busy to answer is a 503 to retry, not a 500.</summary>
public sealed class FhirExceptionHandlerTests
{
    public static TheoryData<Exception> Busy => new()
    {
        new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")),
        new InvalidOperationException("An exception has been raised", new NpgsqlException("The connection pool has been exhausted", new TimeoutException())),
        new Microsoft.Data.Sqlite.SqliteException("database is locked", 5),
    };

    [Theory]
    [MemberData(nameof(Busy))]
    public void Describe_DatabaseTooBusy_Is503Transient(Exception exception)
    {
        var (status, outcome) = FhirExceptionHandler.Describe(exception)!.Value;

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal(OperationOutcome.IssueType.Transient, Assert.Single(outcome.Issue).Code);
    }

    [Fact]
    public void Describe_OtherDatabaseFailure_IsLeftToTheGeneric500() =>
        Assert.Null(FhirExceptionHandler.Describe(new NpgsqlException("Connection refused")));
}
