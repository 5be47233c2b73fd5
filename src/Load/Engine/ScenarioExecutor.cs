using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>Runs one scenario with its executor; shared by the runner for every scenario of a plan.</summary>
internal sealed class ScenarioExecutor(Pacer pacer, RunState state, RequestSender sender, RunRecorder recorder, double requestTimeoutSeconds)
{
    /// <summary>Runs the scenario; returns the capacity search's result for that executor, else null.</summary>
    public async Task<CapacitySearchResult?> RunAsync(LoadScenario scenario, CancellationToken ct)
    {
        state.Scenario = scenario.Name;
        state.TargetRate = 0;
        state.TargetVus = 0;
        switch (scenario.Executor)
        {
            case Executors.RampingVus:
                await pacer.RunLoopAsync(() => new ClosedLoop(pacer, state).RunAsync(scenario, pacer.Time.GetTimestamp(), token => sender.SendAsync(sender.Pick(), null, null, token), ct));
                return null;
            case Executors.ConstantArrivalRate:
                await RunOpenAsync(scenario, ArrivalSchedule.Constant(scenario.Rate!.Value, scenario.DurationSeconds!.Value), null, ct);
                return null;
            case Executors.RampingArrivalRate:
                await RunOpenAsync(scenario, ArrivalSchedule.Ramping(scenario.StartRate ?? 0, scenario.Stages!), null, ct);
                return null;
            case Executors.CapacitySearch:
                return await SearchAsync(scenario, ct);
            default:
                throw new InvalidOperationException($"Unknown executor {scenario.Executor}; the validator should have refused it.");
        }
    }

    /// <summary>
    /// Steps the rate up, StepSeconds at a time. Each step's requests are judged alone (they are recorded into the
    /// step's window by their intended start, and the step's last ones are waited for before it is judged); the first
    /// step that breaks the p95 or error-rate target ends the search, and the highest step before it is the result.
    /// </summary>
    private async Task<CapacitySearchResult> SearchAsync(LoadScenario scenario, CancellationToken ct)
    {
        var steps = new List<CapacityStep>();
        double? highest = null;
        var reason = "every step up to maxRate met both targets";
        foreach (var rate in PlanMath.CapacityRates(scenario))
        {
            var window = new Totals();
            var started = pacer.Time.GetUtcNow();
            await RunOpenAsync(scenario, ArrivalSchedule.Constant(rate, scenario.StepSeconds!.Value), window, ct);
            var ended = pacer.Time.GetUtcNow();
            if (ct.IsCancellationRequested)
            {
                reason = "the run stopped during the step at " + rate + " req/s";
                break;
            }

            var step = recorder.ReadWindow(window, w =>
            {
                var p95 = HistogramCodec.PercentileMs(w.Latency, 95);
                var attempts = w.Requests + w.Dropped;
                var errorRate = attempts == 0 ? 0 : (double)(w.Errors + w.Dropped) / attempts;
                return new CapacityStep
                {
                    Rate = rate,
                    StartedAt = started,
                    EndedAt = ended,
                    Requests = w.Requests,
                    Dropped = w.Dropped,
                    AchievedRate = w.Requests / scenario.StepSeconds!.Value,
                    P95Ms = p95,
                    ErrorRate = errorRate,
                    Met = w.Requests > 0 && p95 <= scenario.TargetP95Ms && errorRate <= scenario.TargetErrorRate,
                };
            });
            steps.Add(step);
            if (!step.Met)
            {
                reason = step.P95Ms > scenario.TargetP95Ms
                    ? $"p95 {step.P95Ms:0.##} ms broke the {scenario.TargetP95Ms} ms target at {rate} req/s"
                    : $"error rate {step.ErrorRate:P2} broke the {scenario.TargetErrorRate:P2} target at {rate} req/s";
                break;
            }

            highest = rate;
            if (state.BudgetSpent)
            {
                reason = "maxRequests reached";
                break;
            }
        }

        return new CapacitySearchResult
        {
            Scenario = scenario.Name,
            TargetP95Ms = scenario.TargetP95Ms ?? 0,
            TargetErrorRate = scenario.TargetErrorRate ?? 0,
            Steps = steps,
            HighestMetRate = highest,
            StopReason = reason,
        };
    }

    private async Task RunOpenAsync(LoadScenario scenario, ArrivalSchedule schedule, Totals? window, CancellationToken ct)
    {
        // Requests still out after the graceful stop are cancelled through this token and counted as errors.
        using var scenarioStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loop = new OpenLoop(pacer, state);
        var start = pacer.Time.GetTimestamp();
        await pacer.RunLoopAsync(() => loop.RunAsync(schedule, start, scenario.MaxInFlight, sender.Pick,
            (request, intended) => sender.SendAsync(request, intended, window, scenarioStop.Token),
            request => recorder.RecordDropped(request, window), ct));
        state.TargetRate = 0;
        var grace = window is null ? scenario.GracefulStopSeconds : Math.Max(scenario.GracefulStopSeconds, requestTimeoutSeconds);
        await loop.DrainAsync(TimeSpan.FromSeconds(grace), ct);
        await scenarioStop.CancelAsync();
        await loop.DrainAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
    }
}
