using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace X0tta6bl4.Ops.Load.Tests;

/// <summary>
/// A target of the test's own: Kestrel on a loopback address and a free port, answering with the test's handler
/// (200 "ok" by default) and counting what reached it, so a test can stop it midway or see that nothing was sent.
/// </summary>
internal sealed class LoopbackTarget : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;
    private bool _stopped;

    private LoopbackTarget(WebApplication app) => _app = app;

    public int Requests => Volatile.Read(ref _requests);

    public string Url { get; private set; } = "";

    public static async Task<LoopbackTarget> StartAsync(Func<HttpContext, Task>? handler = null, string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{address}:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var target = new LoopbackTarget(app);
        handler ??= context => context.Response.WriteAsync("ok");
        app.Run(context =>
        {
            Interlocked.Increment(ref target._requests);
            return handler(context);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        target.Url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/";
        return target;
    }

    /// <summary>Stops listening: new connections are refused, open ones closed — a target that went down.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
