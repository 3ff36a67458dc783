namespace FhirMh.FhirServer.Security;

/// <summary>
/// Who may call the FHIR API (section <c>Security</c>). On by default: a server holding mental-health
/// records must be opened on purpose, never by omission.
/// </summary>
internal sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>False turns every check off (local experiments only); the server then warns at start-up.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The values a token's <c>aud</c> must hold one of: this server's FHIR base URL as clients know it.
    /// Empty: the base URL of each request (scheme, host and path as received), which trusts the Host
    /// header; set it behind a proxy or wherever hosts are not fixed.
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>Identity providers whose access tokens are accepted, besides this server's own token endpoint.</summary>
    public List<TrustedIssuer> Issuers { get; set; } = [];

    /// <summary>How far the clocks of token issuers and this server may differ when checking <c>exp</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public TokenEndpointOptions TokenEndpoint { get; set; } = new();
}

/// <summary>An identity provider: its <c>iss</c> and its signing keys, inline (a JWK Set) or at a JWKS URL.</summary>
internal sealed class TrustedIssuer
{
    public string Issuer { get; set; } = string.Empty;

    /// <summary>A URL serving the issuer's JWK Set; read on first use, again when a token names an unknown key.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>The issuer's JWK Set as JSON (<c>{"keys":[...]}</c>).</summary>
    public string? Jwks { get; set; }
}

/// <summary>
/// The built-in token endpoint of SMART Backend Services (client_credentials with a signed JWT
/// assertion), for development, tests and deployments without an identity provider of their own.
/// </summary>
internal sealed class TokenEndpointOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>The identity provider's token endpoint, advertised in the SMART configuration when the built-in one is off.</summary>
    public string? ExternalUrl { get; set; }

    /// <summary>How long an access token it issues is valid; SMART recommends no more than five minutes.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public List<RegisteredClient> Clients { get; set; } = [];

    /// <summary>
    /// Whether the <c>demo</c> client (scope system/*.cruds, key in <see cref="DemoClientKeyFile"/>) is
    /// registered. Unset: on with the embedded SQLite storage, off with PostgreSQL.
    /// </summary>
    public bool? DemoClient { get; set; }

    /// <summary>The demo client's private key, made on first start when missing (relative to the working directory).</summary>
    public string DemoClientKeyFile { get; set; } = Path.Combine("data", "demo-client.pem");
}

/// <summary>A backend client registered with the built-in token endpoint.</summary>
internal sealed class RegisteredClient
{
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The client's public keys as a JWK Set (JSON), to check its assertions.</summary>
    public string? Jwks { get; set; }

    /// <summary>A URL serving the client's JWK Set.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>The scopes the client may be granted (space-separated); a request gets those it asks for among them.</summary>
    public string Scope { get; set; } = string.Empty;

    /// <summary>The <c>fhirUser</c> the client acts as, e.g. <c>Practitioner/123</c>, when it acts for a person.</summary>
    public string? FhirUser { get; set; }

    /// <summary>The patient in context (the <c>patient</c> claim) for patient-level scopes.</summary>
    public string? Patient { get; set; }
}
