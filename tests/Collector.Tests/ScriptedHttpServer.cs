using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>
/// Kestrel on 127.0.0.1, a free port, answering every request with the next scripted reply (the last
/// one repeats) and counting the requests, so a test can see what a client retried.
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Reply> _replies;
    private Reply _last;
    private int _requests;

    /// <param name="Hang">Never answer (until the client gives up): a server that is stuck.</param>
    public sealed record Reply(int Status, string Body, bool Hang = false);

    private ScriptedHttpServer(WebApplication app, Reply[] replies)
    {
        _app = app;
        _replies = new ConcurrentQueue<Reply>(replies);
        _last = replies[^1];
    }

    public int Requests => Volatile.Read(ref _requests);

    public Uri Url { get; private set; } = null!;

    public static async Task<ScriptedHttpServer> StartAsync(params Reply[] replies)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ScriptedHttpServer(app, replies);
        app.Run(server.AnswerAsync);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Url = new Uri(address + "/");
        return server;
    }

    /// <summary>A Prometheus vector answer of one sample.</summary>
    public static Reply Vector(double value) =>
        new(200, $$$"""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"{{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}"]}]}}""");

    public static Reply Error(int status, string errorType, string error) =>
        new(status, $$$"""{"status":"error","errorType":"{{{errorType}}}","error":"{{{error}}}"}""");

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var reply = _replies.TryDequeue(out var next) ? _last = next : _last;
        if (reply.Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(reply.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
