using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace FhirMh.FhirServer.IntegrationTests.Subscriptions;

/// <summary>
/// A subscriber's endpoint on loopback: records every notification POSTed to it, per path, and
/// answers 200, or 500 on paths under <c>/failing/</c>.
/// </summary>
public sealed class NotificationListener : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Received>> _received = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public NotificationListener()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Origin => $"http://127.0.0.1:{Port}";

    /// <summary>A fresh path for one test, so tests sharing the listener do not see each other's notifications.</summary>
    public string NewEndpoint(bool isFailing = false) => $"{Origin}/{(isFailing ? "failing" : "hook")}/{Guid.NewGuid():N}";

    public IReadOnlyList<Received> At(string endpoint) =>
        _received.TryGetValue(new Uri(endpoint).AbsolutePath, out var queue) ? queue.ToList() : [];

    /// <summary>Waits until <paramref name="count"/> requests reached <paramref name="endpoint"/>, then a little more to catch extra ones.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(string endpoint, int count, TimeSpan? timeout = null, TimeSpan? settle = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (At(endpoint).Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(settle ?? TimeSpan.FromMilliseconds(500));
        return At(endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Stopping ends the loop.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            _received.GetOrAdd(path, _ => new ConcurrentQueue<Received>()).Enqueue(new Received(DateTime.UtcNow, body.Length == 0 ? null : JsonNode.Parse(body)!.AsObject(), headers));
            context.Response.StatusCode = path.StartsWith("/failing/", StringComparison.Ordinal) ? 500 : 200;
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>One request: when it came, its body (null when empty) and headers.</summary>
    public sealed record Received(DateTime At, JsonObject? Body, IReadOnlyDictionary<string, string> Headers)
    {
        /// <summary>The SubscriptionStatus parameters of a notification Bundle.</summary>
        public JsonArray Parameters => Body!["entry"]![0]!["resource"]!["parameter"]!.AsArray();

        public string? Parameter(string name) =>
            Parameters.FirstOrDefault(p => (string?)p!["name"] == name) is { } p ? (string?)(p["valueCode"] ?? p["valueString"] ?? p["valueCanonical"]) : null;

        public string Type => Parameter("type")!;

        /// <summary>The event numbers of its notification-event parameters.</summary>
        public IReadOnlyList<long> EventNumbers =>
            Parameters.Where(p => (string?)p!["name"] == "notification-event")
                .Select(p => long.Parse((string)p!["part"]!.AsArray().First(x => (string?)x!["name"] == "event-number")!["valueString"]!, System.Globalization.CultureInfo.InvariantCulture))
                .ToList();

        /// <summary>The entries after the status: the focus resources.</summary>
        public IReadOnlyList<JsonObject> Focus => Body!["entry"]!.AsArray().Skip(1).Select(e => e!.AsObject()).ToList();
    }
}
