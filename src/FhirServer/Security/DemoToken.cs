using System.Security.Claims;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// <c>token [--server URL] [--scope SCOPES] [--key FILE]</c>: asks a running server's token endpoint
/// for an access token as the demo client, with a client assertion signed by its key (SMART Backend
/// Services), and prints the token. It goes through the same endpoint any backend client uses.
/// </summary>
internal static class DemoToken
{
    public static async Task<int> RunAsync(string[] args)
    {
        var server = Option(args, "--server") ?? "http://localhost:8080";
        var scope = Option(args, "--scope") ?? DemoClient.Scope;
        var keyFile = Option(args, "--key") ?? new TokenEndpointOptions().DemoClientKeyFile;
        if (!File.Exists(keyFile))
        {
            await Console.Error.WriteLineAsync($"No demo client key at {Path.GetFullPath(keyFile)}: start the server once from this folder (with the demo client on) to make it.");
            return 2;
        }

        using var rsa = DemoClient.LoadOrCreateKey(keyFile);
        var tokenUrl = server.TrimEnd('/') + BuiltInIssuer.TokenPath;
        var assertion = Assertion(rsa, tokenUrl);
        using var http = new HttpClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
            ["scope"] = scope,
        });
        using var response = await http.PostAsync(new Uri(tokenUrl), form);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync($"{(int)response.StatusCode} from {tokenUrl}: {body}");
            return 1;
        }

        Console.WriteLine(JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString());
        return 0;
    }

    /// <summary>The demo client's signed assertion for <paramref name="tokenUrl"/>: RS384, good for four minutes, a fresh jti.</summary>
    public static string Assertion(System.Security.Cryptography.RSA rsa, string tokenUrl)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DemoClient.ClientId,
            Audience = tokenUrl,
            Subject = new ClaimsIdentity([new Claim("sub", DemoClient.ClientId)]),
            Claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(4),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = DemoClient.ClientId }, SecurityAlgorithms.RsaSha384),
        });
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
