using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// The closed model (k6's ramping-vus): each VU sends its next request as soon as the last is answered; the VU
/// count follows the stages linearly, checked every 100 ms. A VU above the target finishes its request, then stops.
/// </summary>
internal sealed class ClosedLoop(Pacer pacer, RunState state)
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <param name="iteration">One request; records its own outcome and never throws.</param>
    public async Task RunAsync(LoadScenario scenario, long startTimestamp, Func<CancellationToken, Task> iteration, CancellationToken ct)
    {
        var stages = scenario.Stages ?? [];
        var seconds = PlanMath.Seconds(scenario);
        var frequency = pacer.Time.TimestampFrequency;
        var vus = new List<Task>();
        var next = startTimestamp;
        while (!ct.IsCancellationRequested && !state.BudgetSpent)
        {
            var elapsed = (pacer.Time.GetTimestamp() - startTimestamp) / (double)frequency;
            if (elapsed >= seconds)
            {
                break;
            }

            var target = (int)Math.Round(PlanMath.Interpolate(scenario.StartVus, stages, elapsed), MidpointRounding.AwayFromZero);
            state.TargetVus = target;
            for (var i = 0; i < target; i++)
            {
                if (i == vus.Count)
                {
                    vus.Add(RunVuAsync(i, iteration, ct));
                }
                else if (vus[i].IsCompleted)
                {
                    vus[i] = RunVuAsync(i, iteration, ct);
                }
            }

            next += (long)(Tick.TotalSeconds * frequency);
            await pacer.WaitUntilAsync(next, ct).ConfigureAwait(false);
        }

        state.TargetVus = 0;
        await Task.WhenAll(vus).WaitAsync(TimeSpan.FromSeconds(scenario.GracefulStopSeconds), pacer.Time, CancellationToken.None)
            .ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    private async Task RunVuAsync(int index, Func<CancellationToken, Task> iteration, CancellationToken ct)
    {
        await Task.Yield(); // the controller goes on starting VUs while this one sends
        while (!ct.IsCancellationRequested && index < state.TargetVus && state.TryTakeRequest())
        {
            state.EnterRequest();
            try
            {
                await iteration(ct).ConfigureAwait(false);
            }
            finally
            {
                state.ReleaseSlot();
            }
        }
    }
}
