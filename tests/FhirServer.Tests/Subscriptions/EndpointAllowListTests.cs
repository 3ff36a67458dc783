using FhirMh.FhirServer.Subscriptions;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Tests.Subscriptions;

public sealed class EndpointAllowListTests
{
    private static readonly EndpointAllowList AllowList = new(new Monitor(new SubscriptionOptions
    {
        AllowedEndpoints = ["http://127.0.0.1:9000", "hooks.example.org", "https://crisis.example.net"],
    }));

    [Theory]
    [InlineData("http://127.0.0.1:9000/hook/1")]
    [InlineData("https://hooks.example.org/any/path")]
    [InlineData("https://hooks.example.org:8443/other-port")]
    [InlineData("https://crisis.example.net/alerts")]
    [InlineData("https://CRISIS.example.net/alerts")]
    public void Allows_AnOriginOrAnHttpsHostOnTheList(string endpoint) =>
        Assert.True(AllowList.Allows(new Uri(endpoint)));

    [Theory]
    [InlineData("http://127.0.0.1:9001/hook")] // another port of an origin
    [InlineData("https://127.0.0.1:9000/hook")] // another scheme of an origin
    [InlineData("http://hooks.example.org/plain-http")] // a bare host is https only
    [InlineData("https://crisis.example.net:8443/alerts")] // an origin's default port only
    [InlineData("https://hooks.example.org.evil.test/")] // a host that only starts like one
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("ftp://hooks.example.org/file")]
    public void Refuses_AnythingElse(string endpoint) =>
        Assert.False(AllowList.Allows(new Uri(endpoint)));

    [Fact]
    public void Refuses_Everything_WhenTheListIsEmpty() =>
        Assert.False(new EndpointAllowList(new Monitor(new SubscriptionOptions())).Allows(new Uri("https://hooks.example.org/")));

    private sealed class Monitor(SubscriptionOptions value) : IOptionsMonitor<SubscriptionOptions>
    {
        public SubscriptionOptions CurrentValue => value;

        public SubscriptionOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SubscriptionOptions, string?> listener) => null;
    }
}
