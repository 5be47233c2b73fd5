using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace X0tta6bl4.Ops.Tests;

/// <summary>An HTTP endpoint of the test's own on loopback that keeps every JSON body posted to it (Alertmanager's webhook).</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<JsonElement> _payloads = new();
    private readonly Task _serving;

    private WebhookReceiver(int port)
    {
        Url = $"http://127.0.0.1:{port}/hook";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public string Url { get; }

    public IReadOnlyList<JsonElement> Payloads => _payloads.ToArray();

    public static WebhookReceiver Start() => new(ServiceProcesses.FreePort());

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                _payloads.Enqueue(JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone());
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving;
    }
}
