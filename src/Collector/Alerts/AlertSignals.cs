namespace X0tta6bl4.Ops.Collector.Alerts;

/// <summary>
/// Wake-ups inside one collector process, so an alert moves as soon as its data does: the store took new samples
/// (the evaluator looks at them now rather than at its next tick), and an alert fired or resolved (the delivery sends
/// it now rather than at its next second). The ticks stay: a collector whose samples come from another collector's
/// polls, through the store, is woken by them alone.
/// </summary>
public sealed class AlertSignals
{
    public Signal SamplesWritten { get; } = new();

    public Signal AlertsChanged { get; } = new();
}

/// <summary>A wake-up many can wait for: <see cref="Set"/> completes every wait begun before it.</summary>
public sealed class Signal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public Task WaitAsync(CancellationToken ct) => Volatile.Read(ref _next).Task.WaitAsync(ct);
}

/// <summary>
/// A periodic timer that a signal can also wake: the loop of the evaluator and of the delivery. Both waits are kept
/// across calls, so a signal set while the loop was busy (between two waits) still wakes the next one.
/// </summary>
public sealed class TickOrSignal(PeriodicTimer timer, Signal? signal) : IDisposable
{
    private Task<bool>? _tick;
    private Task? _woken;

    /// <summary>True when the timer ticked, false when the signal came first; throws when cancelled; null when the timer is gone.</summary>
    public async Task<bool?> WaitAsync(CancellationToken ct)
    {
        _tick ??= timer.WaitForNextTickAsync(ct).AsTask();
        if (signal is not null)
        {
            _woken ??= signal.WaitAsync(ct);
            if (await Task.WhenAny(_tick, _woken) == _woken && !_tick.IsCompleted)
            {
                var woken = _woken;
                _woken = null;
                await woken; // rethrows a cancellation
                return false;
            }
        }

        var ticked = await _tick;
        _tick = null;
        return ticked ? true : null;
    }

    public void Dispose() => timer.Dispose();
}
