using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>One run after its set-up: the clock, the per-second ticker, the scenarios in turn, and the result.</summary>
internal sealed class RunSession(LoadPlan plan, LoadRunnerOptions options, TimeProvider time, HttpClient client, IReadOnlyList<PreparedRequest> requests, long setupRequests)
{
    private readonly RunRecorder _recorder = new(requests.Count);
    private readonly RunState _state = new(plan.MaxRequests);
    private readonly List<SecondSnapshot> _seconds = [];
    private readonly double _plannedSeconds = plan.Scenarios.Sum(PlanMath.Seconds);
    private DateTimeOffset _startedAt;
    private long _startTimestamp;
    private volatile string? _abortedBy;

    public async Task<LoadRun> RunAsync(IProgress<LoadProgress>? progress, CancellationToken stop)
    {
        // The hard bound: the scenarios fit in MaxDurationSeconds (the validator saw to it), plus their graceful stops.
        var bound = TimeSpan.FromSeconds(plan.MaxDurationSeconds + plan.Scenarios.Sum(s => s.GracefulStopSeconds) + plan.RequestTimeoutSeconds);
        using var boundReached = new CancellationTokenSource(bound, time);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stop, boundReached.Token);
        using var tickerStop = new CancellationTokenSource();
        _startedAt = time.GetUtcNow();
        _startTimestamp = time.GetTimestamp();
        var pacer = new Pacer(time);
        var sender = new RequestSender(client, requests, _recorder, time, run.Token);
        var executor = new ScenarioExecutor(pacer, _state, sender, _recorder, plan.RequestTimeoutSeconds);
        var ticker = TickAsync(progress, run, tickerStop.Token);
        var searches = new List<CapacitySearchResult>();
        string? failure = null;
        try
        {
            foreach (var scenario in plan.Scenarios)
            {
                if (run.IsCancellationRequested || _state.BudgetSpent)
                {
                    break;
                }

                if (await executor.RunAsync(scenario, run.Token) is { } search)
                {
                    searches.Add(search);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = e.Message;
        }

        await tickerStop.CancelAsync();
        await ticker;
        CloseSecond(progress); // the last, partial second
        var endedAt = time.GetUtcNow();
        var (status, reason) = (failure, _abortedBy) switch
        {
            ({ } f, _) => (RunStatus.Failed, "the engine failed: " + f),
            (_, { } threshold) => (RunStatus.AbortedByThreshold, $"threshold {threshold} failed (abortOnFail)"),
            _ when stop.IsCancellationRequested => (RunStatus.Stopped, "stopped by the caller"),
            _ when boundReached.IsCancellationRequested => (RunStatus.Stopped, $"stopped at the maxDurationSeconds bound ({plan.MaxDurationSeconds} s)"),
            _ when _state.BudgetSpent => (RunStatus.Completed, $"stopped at the maxRequests bound ({plan.MaxRequests})"),
            _ => (RunStatus.Completed, (string?)null),
        };
        var seconds = (endedAt - _startedAt).TotalSeconds;
        return new LoadRun
        {
            Plan = plan,
            StartedAt = _startedAt,
            EndedAt = endedAt,
            Status = status,
            StatusReason = reason,
            SetupRequests = setupRequests,
            Seconds = _seconds,
            Summary = _recorder.Read(null, t => t.ToSummary(seconds, options.GeneratorLagLimitMs)),
            Requests = requests.Select((r, i) => new RequestSummary(r.Name, _recorder.Read(i, t => t.ToSummary(seconds, options.GeneratorLagLimitMs)))).ToList(),
            Thresholds = ThresholdEvaluator.Evaluate(plan, _recorder, _abortedBy),
            CapacitySearches = searches,
        };
    }

    private async Task TickAsync(IProgress<LoadProgress>? progress, CancellationTokenSource run, CancellationToken tickerStop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(tickerStop))
            {
                CloseSecond(progress);
                var elapsed = time.GetElapsedTime(_startTimestamp).TotalSeconds;
                if (_abortedBy is null && ThresholdEvaluator.FirstAbort(plan, _recorder, elapsed) is { } failed)
                {
                    _abortedBy = failed;
                    await run.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run is over; the runner closes the last second
        }
    }

    private void CloseSecond(IProgress<LoadProgress>? progress)
    {
        var index = _seconds.Count;
        var snapshot = _recorder.CloseSecond(index, _startedAt.AddSeconds(index), _state.Scenario, _state.TargetRate, _state.TargetVus, _state.InFlight);
        _seconds.Add(snapshot);
        var (requestsSoFar, errors, dropped) = _recorder.Read(null, t => (t.Requests, t.Errors, t.Dropped));
        progress?.Report(new LoadProgress
        {
            ElapsedSeconds = time.GetElapsedTime(_startTimestamp).TotalSeconds,
            PlannedSeconds = _plannedSeconds,
            Scenario = snapshot.Scenario,
            CurrentRate = snapshot.TargetRate > 0 ? snapshot.TargetRate : snapshot.Requests.Total,
            Vus = snapshot.Vus,
            InFlight = snapshot.InFlight,
            Requests = requestsSoFar,
            Errors = errors,
            Dropped = dropped,
            Second = snapshot,
        });
    }
}
