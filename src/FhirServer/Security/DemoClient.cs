using System.Security.Cryptography;
using FhirMh.FhirServer.Storage;
using Microsoft.Extensions.Options;

namespace FhirMh.FhirServer.Security;

/// <summary>
/// The <c>demo</c> backend client, so that a newcomer gets a token in one command
/// (<c>dotnet run --project src/FhirServer -- token</c>). Its private key is made on first start
/// in the server's data folder, readable by its owner only, and its public half is registered
/// with the built-in token endpoint. On by default with the embedded SQLite storage, off with
/// PostgreSQL unless <c>Security:TokenEndpoint:DemoClient</c> says otherwise.
/// </summary>
internal sealed class DemoClient(IConfiguration configuration) : IPostConfigureOptions<SecurityOptions>
{
    public const string ClientId = "demo";

    public const string Scope = "system/*.cruds";

    public void PostConfigure(string? name, SecurityOptions options)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var isOn = options.TokenEndpoint.DemoClient ?? storage.Provider == StorageProvider.Sqlite;
        if (!options.Enabled || !options.TokenEndpoint.Enabled || !isOn || options.TokenEndpoint.Clients.Any(c => c.ClientId == ClientId))
        {
            return;
        }

        using var rsa = LoadOrCreateKey(options.TokenEndpoint.DemoClientKeyFile);
        var jwks = PublicJwks.Of(rsa, ClientId);
        options.TokenEndpoint.Clients.Add(new RegisteredClient { ClientId = ClientId, Jwks = jwks, Scope = Scope });
    }

    /// <summary>The demo client's RSA key (PKCS#8 PEM), made when the file does not exist.</summary>
    public static RSA LoadOrCreateKey(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            return rsa;
        }

        rsa.KeySize = 3072;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var file = new StreamWriter(path, options);
        file.Write(rsa.ExportPkcs8PrivateKeyPem());
        return rsa;
    }
}
