using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Dashboard.Model.Changes;
using X0tta6bl4.Ops.Load;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Load.Reports;
using X0tta6bl4.Ops.Metrics.LoadRuns;

namespace X0tta6bl4.Ops.Dashboard.LoadTests;

/// <summary>
/// Runs load tests inside this dashboard process and writes everything they measure to the store as it goes
/// (a row per second, the progress, the result), so every dashboard on the store shows the run live. Only
/// operators start and stop runs; a stop asked for on another dashboard reaches the runner through the store
/// within a second. At most Load:MaxConcurrentRuns run at once across all dashboards.
/// </summary>
public sealed class LoadRunService(
    SqlLoadRunStore store, LoadTargets targets, IOptions<LoadOptions> options, TimeProvider time, ILogger<LoadRunService> logger) : IHostedService
{
    /// <summary>A run whose runner has not written for this long is taken as dead (its process ended mid-run).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<long, (CancellationTokenSource Stop, Task Run)> _local = new();

    private static string Runner => $"{Environment.MachineName}:{Environment.ProcessId}";

    public async Task<(ChangeResult Result, long? RunId)> StartAsync(ClaimsPrincipal user, LoadPlan plan, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "start load runs") is { } refused)
        {
            return (refused, null);
        }

        if (PlanValidator.Validate(plan, targets.AllowedHosts) is { Count: > 0 } problems)
        {
            return (ChangeResult.Refused("The plan is not usable: " + string.Join(" ", problems.Select(p => $"{p.Field}: {p.Message}"))), null);
        }

        var now = time.GetUtcNow();
        await store.FailAbandonedAsync((now - AbandonedAfter).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), ct);
        var kind = plan.Scenarios.Any(s => s.Executor == Executors.CapacitySearch) ? "capacity" : "load";
        var id = await store.StartAsync(plan.Name, kind, PlanJson.Write(plan), ChangeResult.NameOf(user), Runner,
            now.ToUnixTimeMilliseconds(), options.Value.MaxConcurrentRuns, ct);
        if (id is not { } runId)
        {
            var running = await store.RunningAsync(ct);
            return (ChangeResult.Refused($"{string.Join(", ", running.Select(r => $"Run {r.Id} ({r.Name}, started by {r.StartedBy})"))} is running: " +
                $"{options.Value.MaxConcurrentRuns} run(s) at a time (Load:MaxConcurrentRuns)."), null);
        }

        // Listed before it starts, so a run that ends at once still finds its entry to remove.
        var stop = new CancellationTokenSource();
        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _local[runId] = (stop, Task.Run(async () => { await listed.Task; await RunAsync(runId, plan, stop.Token); }, CancellationToken.None));
        listed.SetResult();
        logger.LogInformation("Load run {Run} ({Name}) started by {User} against {Target}.", runId, plan.Name, ChangeResult.NameOf(user), plan.BaseUrl);
        return (ChangeResult.Ok, runId);
    }

    public async Task<ChangeResult> StopAsync(ClaimsPrincipal user, long runId, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "stop load runs") is { } refused)
        {
            return refused;
        }

        // Whether the run is ours is read before cancelling it: cancelled, it can finish (and leave _local) before
        // the store is asked, and a stop that worked must not be reported as "not running".
        var ours = _local.TryGetValue(runId, out var local);
        if (ours)
        {
            await local!.Stop.CancelAsync();
        }

        return await store.RequestStopAsync(runId, ct) || ours
            ? ChangeResult.Ok
            : ChangeResult.Refused($"Run {runId} is not running.");
    }

    /// <summary>The run itself; its progress goes through a channel so the engine's clock never waits on the store.</summary>
    private async Task RunAsync(long runId, LoadPlan plan, CancellationToken stop)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var seconds = Channel.CreateUnbounded<LoadProgress>(new UnboundedChannelOptions { SingleReader = true });
        var writer = WriteProgressAsync(runId, seconds.Reader, stopping);
        try
        {
            var runner = new LoadRunner(new LoadRunnerOptions { AllowedHosts = targets.AllowedHosts });
            var run = await runner.RunAsync(plan, new ChannelProgress(seconds.Writer), stopping.Token);
            seconds.Writer.Complete();
            await writer;
            var capacity = run.CapacitySearches.Select(c => c.HighestMetRate).Max(); // null when no search found a rate
            await store.FinishAsync(runId, StatusOf(run.Status), JsonReport.Render(run), JsonReport.Render(run with { Seconds = [] }), capacity, run.Status == RunStatus.Failed ? run.StatusReason : null,
                time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
            logger.LogInformation("Load run {Run} ended {Status}: {Requests} requests, p95 {P95} ms.", runId, run.Status, run.Summary.TotalRequests, run.Summary.Latency.P95Ms);
        }
        catch (Exception e)
        {
            seconds.Writer.TryComplete();
            logger.LogError(e, "Load run {Run} failed.", runId);
            try
            {
                await store.FinishAsync(runId, LoadRunStatus.Failed, null, null, null, e is PlanRejectedException ? e.Message : $"The run failed ({e.GetType().Name}).",
                    time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
            }
            catch (Exception inner)
            {
                logger.LogError("Recording the failure of load run {Run} failed too: {Error}", runId, inner.Message);
            }
        }
        finally
        {
            _local.TryRemove(runId, out _);
        }
    }

    private async Task WriteProgressAsync(long runId, ChannelReader<LoadProgress> seconds, CancellationTokenSource stopping)
    {
        await foreach (var progress in seconds.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                var asked = await store.RecordSecondAsync(runId, progress.Second.Second, JsonSerializer.Serialize(progress.Second, LoadJson.Options),
                    JsonSerializer.Serialize(progress with { Second = progress.Second with { LatencyHistogram = "", ServiceTimeHistogram = "" } }, LoadJson.Options),
                    time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
                if (asked)
                {
                    await stopping.CancelAsync();
                }
            }
            catch (Exception e)
            {
                // The run goes on; its result is written whole at the end. Only the live view misses this second.
                logger.LogWarning("Writing second {Second} of load run {Run} failed: {Error}", progress.Second.Second, runId, e.Message);
            }
        }
    }

    private static LoadRunStatus StatusOf(RunStatus status) => status switch
    {
        RunStatus.Completed => LoadRunStatus.Completed,
        RunStatus.Stopped => LoadRunStatus.Stopped,
        RunStatus.AbortedByThreshold => LoadRunStatus.Aborted,
        _ => LoadRunStatus.Failed,
    };

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>At shutdown, runs of this process stop and are kept as stopped with what they measured.</summary>
    async Task IHostedService.StopAsync(CancellationToken cancellationToken)
    {
        foreach (var (stop, _) in _local.Values)
        {
            await stop.CancelAsync();
        }

        await Task.WhenAll(_local.Values.Select(l => l.Run)).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>IProgress that hands each second to the writer without blocking the engine.</summary>
    private sealed class ChannelProgress(ChannelWriter<LoadProgress> writer) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => writer.TryWrite(value);
    }
}
