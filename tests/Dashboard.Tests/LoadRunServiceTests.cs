using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Dashboard.LoadTests;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Load.Reports;
using X0tta6bl4.Ops.Metrics.LoadRuns;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>The dashboard's runner against a loopback target of the test's own, writing to a real SQLite store.</summary>
public sealed class LoadRunServiceTests
{
    private static readonly ClaimsPrincipal Operator = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ana"), new Claim(ClaimTypes.Role, "operator")], "test"));
    private static readonly ClaimsPrincipal Viewer = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "vic"), new Claim(ClaimTypes.Role, "viewer")], "test"));

    /// <summary>An HTTP server on 127.0.0.1 answering 200 to everything until it is stopped.</summary>
    private sealed class Target : IDisposable
    {
        private readonly HttpListener _listener = new();

        public Target()
        {
            Port = ServiceProcesses.FreePort();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = ServeAsync();
        }

        public int Port { get; }

        public int Served;

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                try
                {
                    var context = await _listener.GetContextAsync();
                    Interlocked.Increment(ref Served);
                    context.Response.StatusCode = 200;
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
            }
        }

        public void Stop() => _listener.Stop();

        public void Dispose() => _listener.Close();
    }

    private static LoadPlan Plan(int port, double seconds, double rate = 50) => new()
    {
        Name = "service-test",
        BaseUrl = $"http://127.0.0.1:{port}",
        Requests = [new LoadRequest { Name = "ping", Path = "ping" }],
        Scenarios = [new LoadScenario { Name = "steady", Executor = Executors.ConstantArrivalRate, Rate = rate, DurationSeconds = seconds, MaxInFlight = 20, GracefulStopSeconds = 1 }],
        Thresholds = [new LoadThreshold { Expression = "rate<0.001" }],
        RequestTimeoutSeconds = 1,
        MaxDurationSeconds = 60,
    };

    private static LoadRunService Service(StoreFixture f) =>
        new(f.LoadRuns, new LoadTargets(Options.Create(new LoadOptions { AllowedHosts = ["127.0.0.1"] }), Options.Create(new SourcesOptions())),
            Options.Create(new LoadOptions()), TimeProvider.System, NullLogger<LoadRunService>.Instance);

    [Fact]
    public async Task ATargetStoppedMidway_TheRunCompletesWithTheErrorsCounted_AndIsStored()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await StoreFixture.CreateAsync();
        using var target = new Target();
        var service = Service(f);

        var (result, id) = await service.StartAsync(Operator, Plan(target.Port, 4), ct);
        await Eventually.UntilAsync(() => Volatile.Read(ref target.Served) >= 50, TimeSpan.FromSeconds(10), "a second of answers", ct);
        target.Stop();
        var run = await Eventually.UntilAsync(() => f.LoadRuns.GetAsync(id!.Value, ct), r => r!.Status != LoadRunStatus.Running, TimeSpan.FromSeconds(30), "the run to end", ct);
        var stored = JsonReport.Parse(run!.ResultJson!);
        var seconds = await f.LoadRuns.SecondsAsync(id!.Value, ct);

        Assert.True(result.Done);
        Assert.Equal(LoadRunStatus.Completed, run.Status);
        Assert.Equal(200, stored.Summary.TotalRequests + stored.Summary.Dropped);  // 50 req/s for 4 s, every iteration accounted for
        Assert.True(stored.Summary.ByStatus.Error > 0, "no request failed after the target stopped");
        Assert.True(stored.Summary.ByStatus.Status2xx >= 50);
        Assert.False(stored.ThresholdsPassed);
        Assert.True(seconds.Count >= 4, $"only {seconds.Count} seconds were written live");
        Assert.Equal("ana", run.StartedBy);
    }

    [Fact]
    public async Task OneRunAtATime_AndAStopRequestEndsTheRunAsStopped()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await StoreFixture.CreateAsync();
        using var target = new Target();
        var service = Service(f);

        var (_, first) = await service.StartAsync(Operator, Plan(target.Port, 30, 20), ct);
        var (second, none) = await service.StartAsync(Operator, Plan(target.Port, 5), ct);
        await Eventually.UntilAsync(async () => (await f.LoadRuns.SecondsAsync(first!.Value, ct)).Count >= 1, TimeSpan.FromSeconds(10), "a second written", ct);
        var viewerStop = await service.StopAsync(Viewer, first!.Value, ct);
        var stop = await service.StopAsync(Operator, first.Value, ct);
        var run = await Eventually.UntilAsync(() => f.LoadRuns.GetAsync(first.Value, ct), r => r!.Status != LoadRunStatus.Running, TimeSpan.FromSeconds(20), "the run to stop", ct);

        Assert.Null(none);
        Assert.Contains("is running", second.Problem);
        Assert.False(viewerStop.Done);
        Assert.True(stop.Done);
        Assert.Equal(LoadRunStatus.Stopped, run!.Status);
        Assert.NotNull(run.ResultJson);
    }

    [Fact]
    public async Task AViewerOrATargetOffTheAllowList_IsRefused_AndNothingIsSent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await StoreFixture.CreateAsync();
        using var target = new Target();
        var service = Service(f);

        var (byViewer, _) = await service.StartAsync(Viewer, Plan(target.Port, 2), ct);
        var (offList, _) = await service.StartAsync(Operator, Plan(target.Port, 2) with { BaseUrl = $"http://localhost:{target.Port}" }, ct);

        Assert.Contains("Only operators", byViewer.Problem);
        Assert.Contains("localhost", offList.Problem);
        Assert.Empty(await f.LoadRuns.ListAsync(10, ct));
        Assert.Equal(0, target.Served);
    }
}
