namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// Waits until a timestamp of the run's <see cref="TimeProvider"/>. On the system clock it sleeps in 1-ms steps and
/// spins the last 200 µs on a thread of its own: measured on this 2-core machine under load, Task.Delay below 1 ms
/// returns at once (it rounds to 0) and Task.Delay(1 ms) takes 4 ms at p50 and 36 ms at p99 (the timer queue's
/// grain), while Thread.Sleep(1) takes 1.1 ms at p50. Spinning the whole gap would be exact but burn a core the
/// target needs. An iteration woken up to ~1 ms late is no error in the figures: latency counts from the intended
/// start, and the lateness is recorded as generator lag. Any other TimeProvider (FakeTimeProvider in tests) is
/// waited on with Task.Delay, so the schedule can be stepped by hand.
/// </summary>
internal sealed class Pacer(TimeProvider time)
{
    private static readonly long SpinTicks = TimeProvider.System.TimestampFrequency / 5000; // 200 µs

    public TimeProvider Time { get; } = time;

    /// <summary>True when waits block the calling thread (the system clock): run the loop on a thread of its own.</summary>
    public bool Blocks => ReferenceEquals(Time, TimeProvider.System);

    /// <summary>Runs a pacing loop: on a thread of its own when waits block, so it never holds a thread-pool thread.</summary>
    public Task RunLoopAsync(Func<Task> loop) =>
        Blocks ? Task.Factory.StartNew(loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap() : loop();

    public async ValueTask WaitUntilAsync(long timestamp, CancellationToken ct)
    {
        if (Blocks)
        {
            SpinUntil(timestamp, ct);
            return;
        }

        while (Time.GetTimestamp() < timestamp && !ct.IsCancellationRequested)
        {
            var remaining = TimeSpan.FromSeconds((timestamp - Time.GetTimestamp()) / (double)Time.TimestampFrequency);
            try
            {
                await Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromTicks(1), Time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static void SpinUntil(long timestamp, CancellationToken ct)
    {
        var spinner = default(SpinWait);
        while (!ct.IsCancellationRequested)
        {
            var remaining = timestamp - TimeProvider.System.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            if (remaining > SpinTicks)
            {
                Thread.Sleep(1);
            }
            else
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
