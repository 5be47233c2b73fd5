using Microsoft.AspNetCore.Http;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Load.Reports;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Load.Tests;

/// <summary>Runs against targets of the tests' own: one that goes down midway, one that stalls once, one that must get nothing.</summary>
public sealed class TargetFaultTests
{
    [Fact]
    public async Task Run_TargetStopsMidway_CompletesWithTheErrorsCountedPerSecond()
    {
        await using var target = await LoopbackTarget.StartAsync();
        var plan = Plans.OneGet(target.Url, Plans.Constant(rate: 100, seconds: 3));
        var running = new LoadRunner().RunAsync(plan, cancellationToken: TestContext.Current.CancellationToken);

        await Eventually.UntilAsync(() => target.Requests >= 80, TimeSpan.FromSeconds(10), "80 requests to reach the target", TestContext.Current.CancellationToken);
        await target.StopAsync();
        var run = await running;

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(300, run.Summary.TotalRequests); // every scheduled iteration is accounted for: answered or failed
        Assert.InRange(run.Summary.ByStatus.Status2xx, 80, 299);
        Assert.Equal(300 - run.Summary.ByStatus.Status2xx, run.Summary.ByStatus.Error);
        Assert.Equal(run.Summary.ByStatus.Error, run.Summary.Errors);
        Assert.True(run.Seconds.Count(s => s.Requests.Error > 0 && s.Requests.Status2xx == 0) >= 1, "a second after the stop has only errors");
        Assert.Equal(run.Summary.Errors, run.Seconds.Sum(s => s.Errors));
    }

    /// <summary>
    /// Coordinated omission: the server stalls once for a second while the open model keeps its schedule over one
    /// connection, so the requests due in that second queue in the client. Latency from the intended start must
    /// show the stall at p99; service time (from each request's own send) and the closed model must not.
    /// </summary>
    [Fact]
    public async Task Run_ServerStallsOnceForASecond_OpenModelP99ShowsItClosedModelAndServiceTimeDoNot()
    {
        var stalled = 0;
        await using var target = await LoopbackTarget.StartAsync(async context =>
        {
            // The 100th request is held a second, once: over one connection everything behind it waits too.
            if (Interlocked.Increment(ref stalled) == 100)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            }

            await context.Response.WriteAsync("ok");
        });
        var open = Plans.OneGet(target.Url, Plans.Constant(rate: 100, seconds: 4, maxInFlight: 500)) with { Connections = 1 };

        var openRun = await new LoadRunner().RunAsync(open, cancellationToken: TestContext.Current.CancellationToken);
        stalled = 0;
        var closedRun = await new LoadRunner().RunAsync(Plans.OneGet(target.Url, Plans.Vus(1, 4)), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(0, openRun.Summary.Dropped);
        Assert.Equal(400, openRun.Summary.TotalRequests);
        // About 100 requests were due during the stall and waited up to the whole second: well over 1 % of 400.
        Assert.True(openRun.Summary.Latency.P99Ms >= 900, $"open-model latency p99 {openRun.Summary.Latency.P99Ms} ms should show the 1-s stall");
        Assert.Contains(openRun.Seconds, s => s.P99Ms >= 900);
        Assert.True(openRun.Summary.ServiceTime.P99Ms < 500, $"open-model service-time p99 {openRun.Summary.ServiceTime.P99Ms} ms should not");
        Assert.True(openRun.Summary.ServiceTime.MaxMs >= 900, "the stalled request's own service time shows the stall");
        // The closed model's one VU waited out the stall without sending, so the stall is one sample among thousands.
        Assert.True(closedRun.Summary.TotalRequests > 400, $"closed model sent {closedRun.Summary.TotalRequests}");
        Assert.True(closedRun.Summary.Latency.P99Ms < 500, $"closed-model p99 {closedRun.Summary.Latency.P99Ms} ms should hide the stall");
        Assert.True(closedRun.Summary.Latency.MaxMs >= 900);
    }

    [Fact]
    public async Task Run_HostOutsideTheAllowList_IsRefusedAndNothingIsSent()
    {
        // 127.0.0.2 is loopback, so no traffic could leave the machine, but it is not on the default list.
        await using var target = await LoopbackTarget.StartAsync(address: "127.0.0.2");
        var plan = Plans.OneGet(target.Url, Plans.Constant(rate: 10, seconds: 1));

        var refused = await Assert.ThrowsAsync<PlanRejectedException>(() => new LoadRunner().RunAsync(plan, cancellationToken: TestContext.Current.CancellationToken));

        var problem = Assert.Single(refused.Problems);
        Assert.Equal("baseUrl", problem.Field);
        Assert.Contains("'127.0.0.2' is not on the allow-list", problem.Message);
        Assert.Equal(0, target.Requests);
    }

    [Fact]
    public async Task Run_Cancelled_EndsStoppedWithWhatWasMeasured()
    {
        await using var target = await LoopbackTarget.StartAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var progress = new List<LoadProgress>();
        var running = new LoadRunner().RunAsync(Plans.OneGet(target.Url, Plans.Constant(rate: 50, seconds: 30)), new InlineProgress(p =>
        {
            lock (progress)
            {
                progress.Add(p);
            }
        }), stop.Token);

        await Eventually.UntilAsync(() => { lock (progress) { return progress.Count >= 2; } }, TimeSpan.FromSeconds(10), "two progress reports",
            TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        var run = await running;

        Assert.Equal(RunStatus.Stopped, run.Status);
        Assert.InRange(run.Summary.TotalRequests, 90, 1000);
        // A request out at the stop is cut off, whether or not the target had it yet: counted apart, never lost.
        Assert.InRange(target.Requests, run.Summary.TotalRequests, run.Summary.TotalRequests + run.Summary.Interrupted);
        Assert.Equal(run.Summary.TotalRequests, run.Seconds.Sum(s => s.Requests.Total));
        Assert.True(run.Seconds.Count >= 2);
        Assert.Equal(0, progress[0].Second.Second);
        Assert.Equal(30, progress[0].PlannedSeconds);
        Assert.Equal(50, progress[1].CurrentRate, 1);
    }

    [Fact]
    public async Task Run_CancelledWhileTheTargetHoldsEveryRequest_CountsThemInterruptedNotAsErrors()
    {
        await using var target = await LoopbackTarget.StartAsync(context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var running = new LoadRunner().RunAsync(Plans.OneGet(target.Url, Plans.Constant(rate: 50, seconds: 30)), cancellationToken: stop.Token);

        await Eventually.UntilAsync(() => target.Requests >= 20, TimeSpan.FromSeconds(10), "20 requests held by the target", TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        var run = await running;

        Assert.Equal(RunStatus.Stopped, run.Status);
        Assert.Equal(0, run.Summary.TotalRequests);
        Assert.Equal(0, run.Summary.Errors);
        Assert.True(run.Summary.Interrupted >= target.Requests, $"{run.Summary.Interrupted} interrupted, the target held {target.Requests}");
        Assert.Equal(run.Summary.Interrupted, Assert.Single(run.Requests).Summary.Interrupted);
        var note = $"{run.Summary.Interrupted} requests were sent but still unanswered when the run stopped";
        Assert.Contains(note, run.Summary.InterruptedNote);
        Assert.Contains(note, TextSummary.Render(run));
        Assert.Contains(note, MarkdownReport.Render(run));
        Assert.Contains(note, HtmlReport.Render(run));
    }

    [Fact]
    public async Task Run_AbortOnFailThreshold_StopsTheRunEarly()
    {
        await using var target = await LoopbackTarget.StartAsync(context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        var plan = Plans.OneGet(target.Url, Plans.Constant(rate: 50, seconds: 20)) with
        {
            Thresholds = [new LoadThreshold { Expression = "rate<0.1", AbortOnFail = true, DelayAbortEvalSeconds = 1 }, new LoadThreshold { Expression = "p(95)<5000" }],
        };

        var run = await new LoadRunner().RunAsync(plan, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(RunStatus.AbortedByThreshold, run.Status);
        Assert.True(run.Seconds.Count < 10, $"aborted after {run.Seconds.Count} s");
        Assert.Equal([false, true], run.Thresholds.Select(t => t.Passed));
        Assert.True(run.Thresholds[0].AbortedRun);
        Assert.Equal(1, run.Thresholds[0].Measured);
        Assert.Equal(run.Summary.TotalRequests, run.Summary.ByStatus.Status5xx);
    }

    [Fact]
    public async Task Run_MaxInFlightFull_DropsAndFlagsTheRunGeneratorLimited()
    {
        await using var target = await LoopbackTarget.StartAsync(async context =>
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            await context.Response.WriteAsync("slow");
        });

        var run = await new LoadRunner().RunAsync(Plans.OneGet(target.Url, Plans.Constant(rate: 40, seconds: 2, maxInFlight: 5)),
            cancellationToken: TestContext.Current.CancellationToken);

        // 5 slots, 500 ms each: about 10 served a second out of 40 due.
        Assert.Equal(80, run.Summary.TotalRequests + run.Summary.Dropped);
        Assert.InRange(run.Summary.Dropped, 40, 75);
        Assert.Equal(run.Summary.Dropped, run.Seconds.Sum(s => s.Dropped));
        Assert.True(run.Summary.GeneratorLimited);
        Assert.Contains("dropped", run.Summary.GeneratorLimitedReason);
    }

    private sealed class InlineProgress(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}
