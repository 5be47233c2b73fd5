namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// The open model: starts one iteration at each intended start of the schedule, whether or not earlier ones have
/// been answered — the rate is the plan's, not the target's. An iteration due while all MaxInFlight slots are
/// taken is dropped and counted, never quietly skipped or postponed.
/// </summary>
internal sealed class OpenLoop(Pacer pacer, RunState state)
{
    /// <param name="pick">Chooses the iteration's request (by weight).</param>
    /// <param name="send">Sends request i intended at timestamp t; it records its own outcome and never throws.</param>
    /// <param name="dropped">Counts request i as dropped.</param>
    public async Task RunAsync(ArrivalSchedule schedule, long startTimestamp, int maxInFlight,
        Func<int> pick, Func<int, long, Task> send, Action<int> dropped, CancellationToken ct)
    {
        var frequency = pacer.Time.TimestampFrequency;
        while (!ct.IsCancellationRequested && schedule.TryNext(out var seconds))
        {
            var intended = startTimestamp + (long)(seconds * frequency);
            state.TargetRate = schedule.RateAt(seconds);
            await pacer.WaitUntilAsync(intended, ct).ConfigureAwait(false);
            if (ct.IsCancellationRequested || !state.TryTakeRequest())
            {
                break;
            }

            var request = pick();
            if (!state.TryTakeSlot(maxInFlight))
            {
                dropped(request);
                continue;
            }

            _ = SendAndReleaseAsync(request, intended, send);
        }
    }

    /// <summary>Waits until nothing is in flight, or <paramref name="timeout"/> has passed.</summary>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = pacer.Time.GetTimestamp() + (long)(timeout.TotalSeconds * pacer.Time.TimestampFrequency);
        while (state.InFlight > 0 && pacer.Time.GetTimestamp() < deadline && !ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), pacer.Time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SendAndReleaseAsync(int request, long intended, Func<int, long, Task> send)
    {
        try
        {
            await send(request, intended).ConfigureAwait(false);
        }
        finally
        {
            state.ReleaseSlot();
        }
    }
}
