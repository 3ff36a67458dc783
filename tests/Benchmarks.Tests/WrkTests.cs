namespace FhirMh.Benchmarks.Tests;

public class WrkTests
{
    // The tail of wrk 4.x output with Scripts/registry.lua's done() lines.
    private const string Output = """
        Running 5s test @ http://127.0.0.1:5000
          1 threads and 16 connections
          Latency Distribution
             50%    4.10ms
             75%    6.00ms
             90%    9.00ms
             99%   20.50ms
          4000 requests in 5.00s, 1.00MB read
        Requests/sec:    800.00
        Transfer/sec:    200.00KB
        p95_us: 12345
        wrapped: 1
        """;

    [Fact]
    public void Parse_RegistryScriptOutput_ReadsP95AndWrap()
    {
        var result = Wrk.Parse(Output);

        Assert.Equal((800.0, 4000L, 4.10, 20.50), (result.RequestsPerSecond, result.Requests, result.P50Ms, result.P99Ms));
        Assert.Equal(12.345, result.P95Ms!.Value, 6);
        Assert.True(result.HasWrapped);
        Assert.False(Wrk.Parse(Output.Replace("wrapped: 1", string.Empty, StringComparison.Ordinal)).HasWrapped);
    }
}
