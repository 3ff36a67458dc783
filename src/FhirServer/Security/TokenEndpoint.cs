using System.Security.Claims;
using FhirMh.FhirServer.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using NodaTime;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// SMART Backend Services token endpoint (backend-services.html): a registered client proves who
/// it is with a JWT signed by its own key (RS384 or ES384, RFC 7523) and receives a short-lived
/// access token for the scopes it asked for among those it is registered for. Errors follow
/// RFC 6749 section 5.2.
/// </summary>
internal sealed class TokenEndpoint(
    IOptions<SecurityOptions> options,
    IssuerKeys clientKeys,
    ServerSigningKeys serverKeys,
    FhirDbContext db,
    IClock clock)
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>SMART Backend Services: the assertion's <c>exp</c> may be at most five minutes ahead.</summary>
    private static readonly NodaTime.Duration MaxAssertionLifetime = NodaTime.Duration.FromMinutes(5);

    private static readonly string[] AssertionAlgorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost(BuiltInIssuer.TokenPath, (HttpContext http, TokenEndpoint endpoint, CancellationToken cancellationToken) => endpoint.HandleAsync(http, cancellationToken))
            .WithTags("SMART")
            .WithSummary("SMART Backend Services token endpoint: client_credentials with a signed JWT client assertion")
            .DisableAntiforgery();

    private async Task<IResult> HandleAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Error("invalid_request", "The token request is a form (application/x-www-form-urlencoded).");
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        if (form["grant_type"] != "client_credentials")
        {
            return Error("unsupported_grant_type", "This endpoint grants client_credentials only.");
        }

        if (form["client_assertion_type"] != AssertionType || form["client_assertion"].ToString() is not { Length: > 0 } assertion)
        {
            return Error("invalid_request", $"client_assertion_type must be {AssertionType} with a client_assertion JWT.");
        }

        var baseUrl = Rest.FhirEndpoints.BaseUrl(http.Request);
        var (client, failure) = await AuthenticateAsync(assertion, BuiltInIssuer.TokenUrl(baseUrl), cancellationToken);
        if (client is null)
        {
            return Error("invalid_client", failure!, StatusCodes.Status401Unauthorized);
        }

        var granted = Grant(form["scope"].ToString(), client.Scope);
        if (granted.Count == 0)
        {
            return Error("invalid_scope", $"None of the requested scopes is among those registered for {client.ClientId}.");
        }

        var now = clock.GetCurrentInstant();
        var lifetime = options.Value.TokenEndpoint.AccessTokenLifetime;
        var scope = string.Join(' ', granted);
        var claims = new Dictionary<string, object>
        {
            ["client_id"] = client.ClientId,
            ["scope"] = scope,
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (client.FhirUser is { } fhirUser)
        {
            claims["fhirUser"] = fhirUser;
        }

        if (client.Patient is { } patient)
        {
            claims["patient"] = patient;
        }

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = BuiltInIssuer.Of(baseUrl),
            Audience = baseUrl,
            Subject = new ClaimsIdentity([new Claim("sub", client.ClientId)]),
            Claims = claims,
            IssuedAt = now.ToDateTimeUtc(),
            NotBefore = now.ToDateTimeUtc(),
            Expires = (now + NodaTime.Duration.FromTimeSpan(lifetime)).ToDateTimeUtc(),
            SigningCredentials = await serverKeys.CredentialsAsync(cancellationToken),
        });
        http.Response.Headers.CacheControl = "no-store";
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["token_type"] = "bearer",
            ["expires_in"] = (int)lifetime.TotalSeconds,
            ["scope"] = scope,
        });
    }

    /// <summary>The registered client whose signed assertion this is, or why it is refused.</summary>
    private async Task<(RegisteredClient? Client, string? Failure)> AuthenticateAsync(string assertion, string tokenUrl, CancellationToken cancellationToken)
    {
        JsonWebToken unverified;
        try
        {
            unverified = new JsonWebToken(assertion);
        }
        catch (ArgumentException)
        {
            return (null, "client_assertion is not a JWT.");
        }

        var client = options.Value.TokenEndpoint.Clients.FirstOrDefault(c => c.ClientId == unverified.Issuer);
        if (client is null)
        {
            return (null, $"'{unverified.Issuer}' is not a registered client.");
        }

        var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudience = tokenUrl,
            IssuerSigningKeys = await clientKeys.GetAsync(client.Jwks, client.JwksUrl, unverified.Kid, cancellationToken),
            ValidAlgorithms = AssertionAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = options.Value.ClockSkew,
        });
        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenInvalidAudienceException => $"The assertion's aud must be this token endpoint, {tokenUrl}.",
                SecurityTokenExpiredException => "The assertion has expired.",
                SecurityTokenInvalidAlgorithmException => "The assertion must be signed with RS384 or ES384.",
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The assertion's signature does not verify with the client's registered keys.",
                _ => "The assertion is not valid.",
            });
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        var expires = Instant.FromDateTimeUtc(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
        if (jwt.Subject != client.ClientId)
        {
            return (null, "The assertion's sub must be the client_id, like its iss.");
        }

        if (expires - clock.GetCurrentInstant() > MaxAssertionLifetime)
        {
            return (null, "The assertion's exp may be at most five minutes ahead.");
        }

        if (string.IsNullOrEmpty(jwt.Id))
        {
            return (null, "The assertion has no jti.");
        }

        return await RememberAsync(client.ClientId, jwt.Id, expires, cancellationToken)
            ? (client, null)
            : (null, "The assertion's jti was used before: each assertion is good for one token.");
    }

    /// <summary>Records the jti; false when it was already recorded (a replay). Expired records are swept as it goes.</summary>
    private async Task<bool> RememberAsync(string clientId, string jwtId, Instant expires, CancellationToken cancellationToken)
    {
        var now = clock.GetCurrentInstant();
        await db.Set<UsedAssertionRow>().Where(a => a.ExpiresAt < now - NodaTime.Duration.FromTimeSpan(options.Value.ClockSkew)).ExecuteDeleteAsync(cancellationToken);
        db.Add(new UsedAssertionRow { ClientId = clientId, JwtId = jwtId, ExpiresAt = expires });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException e) when (UniqueViolation.Is(e))
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The requested scopes that one of the client's registered scopes contains: same context, its type or all, fewer or equal permissions, and the same filter or none.</summary>
    internal static List<string> Grant(string requested, string registered)
    {
        var allowed = registered.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => SmartScope.TryParse(s, out var scope) ? scope : null).OfType<SmartScope>().ToList();
        var granted = new List<string>();
        foreach (var text in requested.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (SmartScope.TryParse(text, out var scope) && allowed.Any(a =>
                    a.Context == scope.Context &&
                    (a.ResourceType == "*" || a.ResourceType == scope.ResourceType) &&
                    (scope.Permissions & ~a.Permissions) == 0 &&
                    (a.Filter.Count == 0 || a.Filter.SequenceEqual(scope.Filter))))
            {
                granted.Add(text);
            }
        }

        return granted;
    }

    private static IResult Error(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);
}
