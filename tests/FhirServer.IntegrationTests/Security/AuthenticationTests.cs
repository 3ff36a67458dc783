using System.Net;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace FhirMh.FhirServer.IntegrationTests.Security;

/// <summary>
/// Who may call at all: bearer tokens checked for issuer, audience, lifetime and signature
/// (401 with a challenge otherwise), the built-in SMART Backend Services token endpoint, and the
/// SMART configuration that tells clients where it is.
/// </summary>
public abstract class AuthenticationTests(StorageFixture fixture)
{
    private const string Scope = "system/*.cruds";

    private readonly HttpClient _client = fixture.CreateClient();

    public static TheoryData<string> BadTokens => new() { "wrong audience", "untrusted issuer", "expired", "alg none", "HMAC with the public key", "forged signature", "not a JWT" };

    /// <summary>Made when the test runs, so that only the named fault makes it bad.</summary>
    private static string BadToken(string why) => why switch
    {
        "wrong audience" => TestTokens.Access(Scope, audience: "http://elsewhere.example/fhir"),
        "untrusted issuer" => TestTokens.Access(Scope, issuer: "https://evil.example"),
        "expired" => TestTokens.Access(Scope, expires: DateTime.UtcNow.AddMinutes(-10)),
        "alg none" => TestTokens.Unsigned(Scope),
        "HMAC with the public key" => TestTokens.Hmac(Scope),
        "forged signature" => TestTokens.Access(Scope, key: TestTokens.StrangerKey),
        _ => "not-a-token",
    };

    [Fact]
    public async Task NoToken_Is401WithBearerChallengeAndOperationOutcome()
    {
        using var response = await _client.GetAsync("/fhir/Patient");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var outcome = await response.BodyAsync();
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.Equal("login", (string?)outcome["issue"]![0]!["code"]);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task BadToken_Is401InvalidToken(string why)
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/fhir/Patient", BadToken(why));

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {response.StatusCode}");
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoodToken_IsServed()
    {
        using var response = await _client.SendAsync(HttpMethod.Get, "/fhir/Patient?_count=1", TestTokens.Access(Scope));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task GoodToken_SentToAnotherBaseUrlAfterItWasServed_Is401()
    {
        // A token that validated is remembered; it must still be checked against the base URL it is sent to (aud).
        var token = TestTokens.Access(Scope);
        using var served = await _client.SendAsync(HttpMethod.Get, "/fhir/Patient?_count=1", token);
        using var elsewhere = new HttpRequestMessage(HttpMethod.Get, "/fhir/Patient?_count=1");
        elsewhere.Headers.Host = "elsewhere.example";
        elsewhere.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var response = await _client.SendAsync(elsewhere);

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BadToken_InABundleEntry_NeverReachesIt()
    {
        var bundle = """{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient"}}]}""";

        using var response = await _client.SendAsync(HttpMethod.Post, "/fhir", TestTokens.Unsigned(Scope), bundle);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metadata_NeedsNoToken_AndNamesSmartWithItsTokenEndpoint()
    {
        using var response = await _client.GetAsync("/fhir/metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var security = (await response.BodyAsync())["rest"]![0]!["security"]!;
        Assert.Equal("SMART-on-FHIR", (string?)security["service"]![0]!["coding"]![0]!["code"]);
        var oauth = security["extension"]!.AsArray().Single(e => (string?)e!["url"] == "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")!;
        Assert.Equal(TestTokens.TokenUrl, (string?)oauth["extension"]!.AsArray().Single(e => (string?)e!["url"] == "token")!["valueUri"]);
    }

    [Fact]
    public async Task SmartConfiguration_HasTheRequiredFieldsWithAbsoluteUrls()
    {
        using var response = await _client.GetAsync("/fhir/.well-known/smart-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var configuration = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(TestTokens.TokenUrl, (string?)configuration["token_endpoint"]);
        Assert.Contains("client_credentials", configuration["grant_types_supported"]!.AsArray().Select(g => (string?)g));
        Assert.Contains("private_key_jwt", configuration["token_endpoint_auth_methods_supported"]!.AsArray().Select(g => (string?)g));
        Assert.Contains("permission-v2", configuration["capabilities"]!.AsArray().Select(g => (string?)g));
        Assert.Contains("S256", configuration["code_challenge_methods_supported"]!.AsArray().Select(g => (string?)g));
        Assert.True(Uri.IsWellFormedUriString((string?)configuration["jwks_uri"], UriKind.Absolute));
    }

    [Theory]
    [InlineData(TestTokens.RsaClient, SecurityAlgorithms.RsaSha384, "system/*.cruds")]
    [InlineData(TestTokens.EcClient, SecurityAlgorithms.EcdsaSha384, "system/Observation.rs")]
    public async Task TokenEndpoint_SignedAssertion_GivesAWorkingToken(string clientId, string algorithm, string scope)
    {
        var key = clientId == TestTokens.RsaClient ? (SecurityKey)TestTokens.ClientRsaKey : TestTokens.ClientEcKey;

        using var response = await RequestTokenAsync(TestTokens.Assertion(clientId, key, algorithm), scope);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("bearer", (string?)token["token_type"]);
        Assert.Equal(scope, (string?)token["scope"]);
        using var search = await _client.SendAsync(HttpMethod.Get, "/fhir/Observation?_count=1", (string)token["access_token"]!);
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_ReplayedJti_IsRefused()
    {
        var assertion = TestTokens.Assertion(TestTokens.RsaClient, TestTokens.ClientRsaKey, SecurityAlgorithms.RsaSha384);
        using var first = await RequestTokenAsync(assertion, Scope);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var replay = await RequestTokenAsync(assertion, Scope);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("invalid_client", (string?)JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["error"]);
    }

    public static TheoryData<string> BadAssertions => new() { "wrong audience", "RS256 is not allowed", "another client's key", "unregistered client", "expired", "exp too far ahead" };

    [Theory]
    [MemberData(nameof(BadAssertions))]
    public async Task TokenEndpoint_BadAssertion_IsRefused(string why)
    {
        var assertion = why switch
        {
            "wrong audience" => TestTokens.Assertion(TestTokens.RsaClient, TestTokens.ClientRsaKey, SecurityAlgorithms.RsaSha384, audience: "http://localhost/other"),
            "RS256 is not allowed" => TestTokens.Assertion(TestTokens.RsaClient, TestTokens.ClientRsaKey, SecurityAlgorithms.RsaSha256),
            "another client's key" => TestTokens.Assertion(TestTokens.RsaClient, TestTokens.StrangerKey, SecurityAlgorithms.RsaSha384),
            "unregistered client" => TestTokens.Assertion("nobody", TestTokens.ClientRsaKey, SecurityAlgorithms.RsaSha384),
            "expired" => TestTokens.Assertion(TestTokens.RsaClient, TestTokens.ClientRsaKey, SecurityAlgorithms.RsaSha384, expires: DateTime.UtcNow.AddMinutes(-3)),
            _ => TestTokens.Assertion(TestTokens.RsaClient, TestTokens.ClientRsaKey, SecurityAlgorithms.RsaSha384, expires: DateTime.UtcNow.AddHours(1)),
        };

        using var response = await RequestTokenAsync(assertion, Scope);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {response.StatusCode}");
        Assert.Equal("invalid_client", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task TokenEndpoint_ScopeBeyondTheRegistration_IsInvalidScope()
    {
        using var response = await RequestTokenAsync(TestTokens.Assertion(TestTokens.EcClient, TestTokens.ClientEcKey, SecurityAlgorithms.EcdsaSha384), "system/Patient.cruds");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_scope", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    private Task<HttpResponseMessage> RequestTokenAsync(string assertion, string scope) =>
        _client.PostAsync("/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
            ["scope"] = scope,
        }));
}

public sealed class SqliteAuthenticationTests(SecuritySqliteFixture fixture) : AuthenticationTests(fixture), IClassFixture<SecuritySqliteFixture>;

public sealed class PostgresAuthenticationTests(SecurityPostgresFixture fixture) : AuthenticationTests(fixture), IClassFixture<SecurityPostgresFixture>;

/// <summary>The demo client: its key made on first start, owner-only, and good for a token at the endpoint.</summary>
public sealed class DemoClientTests : IAsyncLifetime
{
    private readonly SqliteFixture _fixture = new DemoClientFixture();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task DemoClient_KeyMadeOnStart_GetsATokenThatWorks()
    {
        var keyFile = ((DemoClientFixture)_fixture).KeyFile;
        using var client = _fixture.CreateClient();
        using var metadata = await client.GetAsync("/fhir/metadata"); // options, and with them the key, are made on first use

        using var rsa = FhirMh.FhirServer.Security.DemoClient.LoadOrCreateKey(keyFile);
        using var response = await client.PostAsync("/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = FhirMh.FhirServer.Security.DemoToken.Assertion(rsa, TestTokens.TokenUrl),
            ["scope"] = "system/*.cruds",
        }));
        var token = (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!;
        using var search = await client.SendAsync(HttpMethod.Get, "/fhir/Patient?_count=1", token);

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
    }

    private sealed class DemoClientFixture : SqliteFixture
    {
        public string KeyFile { get; } = Path.Combine(Path.GetTempPath(), "fhirmh-demo-" + Guid.NewGuid().ToString("N")[..8], "demo-client.pem");

        protected override IReadOnlyDictionary<string, string> Settings => TestTokens.Settings(new Dictionary<string, string>
        {
            ["Security:TokenEndpoint:DemoClient"] = "true",
            ["Security:TokenEndpoint:DemoClientKeyFile"] = KeyFile,
        });

        public override async Task DisposeAsync()
        {
            await base.DisposeAsync();
            Directory.Delete(Path.GetDirectoryName(KeyFile)!, recursive: true);
        }
    }
}

/// <summary>The audit trail is append-only: whatever the scopes, and also in a transaction.</summary>
public abstract class AuditTrailTests(StorageFixture fixture)
{
    private readonly HttpClient _client = fixture.CreateClient();

    [Fact]
    public async Task AuditEvent_CannotBeUpdatedPatchedOrDeleted()
    {
        var admin = TestTokens.Access("system/*.cruds");
        const string audit = """
            {"resourceType":"AuditEvent","type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110110"},
             "recorded":"2026-01-01T00:00:00Z","agent":[{"requestor":true,"who":{"display":"tester"}}],"source":{"observer":{"display":"test"}}}
            """;
        using var created = await _client.SendAsync(HttpMethod.Post, "/fhir/AuditEvent", admin, audit);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.BodyAsync()).Id();
        var changed = JsonNode.Parse(audit)!.AsObject();
        changed["id"] = id;
        var transaction = $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"DELETE","url":"AuditEvent/{{{id}}}"}}]}""";

        using var update = await _client.SendAsync(HttpMethod.Put, $"/fhir/AuditEvent/{id}", admin, changed.ToJsonString());
        using var delete = await _client.SendAsync(HttpMethod.Delete, $"/fhir/AuditEvent/{id}", admin);
        using var inTransaction = await _client.SendAsync(HttpMethod.Post, "/fhir", admin, transaction);
        using var read = await _client.SendAsync(HttpMethod.Get, $"/fhir/AuditEvent/{id}", admin);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, update.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, inTransaction.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}

public sealed class SqliteAuditTrailTests(SecuritySqliteFixture fixture) : AuditTrailTests(fixture), IClassFixture<SecuritySqliteFixture>;

public sealed class PostgresAuditTrailTests(SecurityPostgresFixture fixture) : AuditTrailTests(fixture), IClassFixture<SecurityPostgresFixture>;
