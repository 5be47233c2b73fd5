using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Load.Tests;

public sealed class ArrivalSchedulerTests
{
    [Fact]
    public void Constant_TenPerSecondForOneSecond_StartsEveryHundredMilliseconds()
    {
        var starts = Drain(ArrivalSchedule.Constant(10, 1));

        Assert.Equal(Enumerable.Range(0, 10).Select(k => k / 10.0), starts, new Tolerance(1e-9));
    }

    [Fact]
    public void Ramping_ZeroToTenOverTwoSeconds_PlacesStartsByTheIntegral()
    {
        // rate(t) = 5t, so the integral is 2.5 t² and the k-th start is at sqrt(k / 2.5): 10 starts in 2 s.
        var starts = Drain(ArrivalSchedule.Ramping(0, [new(2, 10)]));

        Assert.Equal(Enumerable.Range(0, 10).Select(k => Math.Sqrt(k / 2.5)), starts, new Tolerance(1e-9));
    }

    [Fact]
    public void Ramping_TwoStages_CountsTheWholeArea()
    {
        // 0→100 over 2 s (100 requests), then 100 for 1 s (100): 200 starts, in order, all inside 3 s.
        var starts = Drain(ArrivalSchedule.Ramping(0, [new(2, 100), new(1, 100)]));

        Assert.Equal(200, starts.Count);
        Assert.True(starts.SequenceEqual(starts.Order()));
        Assert.InRange(starts[^1], 2.98, 3);
    }

    [Fact]
    public async Task OpenLoop_MaxInFlightFull_SendsAtIntendedStartsAndCountsTheRestAsDropped()
    {
        var time = new FakeTimeProvider();
        var state = new RunState(maxRequests: 1000);
        var loop = new OpenLoop(new Pacer(time), state);
        var sent = new ConcurrentQueue<(long Intended, long At)>();
        var dropped = 0;
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously); // the target never answers until released
        var start = time.GetTimestamp();
        var tick = time.TimestampFrequency / 10;

        var run = loop.RunAsync(ArrivalSchedule.Constant(10, 1), start, maxInFlight: 3, () => 0,
            (_, intended) =>
            {
                sent.Enqueue((intended, time.GetTimestamp()));
                return answer.Task;
            },
            _ => Interlocked.Increment(ref dropped), TestContext.Current.CancellationToken);
        for (var k = 1; k <= 10; k++)
        {
            await Eventually.UntilAsync(() => sent.Count + Volatile.Read(ref dropped) == k, TimeSpan.FromSeconds(5), $"iteration {k} of the schedule", TestContext.Current.CancellationToken);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await run.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal([(start, start), (start + tick, start + tick), (start + 2 * tick, start + 2 * tick)], sent);
        Assert.Equal(7, dropped);
        Assert.Equal(3, state.InFlight);
        answer.SetResult();
        await Eventually.UntilAsync(() => state.InFlight == 0, TimeSpan.FromSeconds(5), "the in-flight slots to be released", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task OpenLoop_SlowAnswers_DoNotDelayTheSchedule()
    {
        var time = new FakeTimeProvider();
        var state = new RunState(maxRequests: 1000);
        var loop = new OpenLoop(new Pacer(time), state);
        var at = new ConcurrentQueue<long>();
        var start = time.GetTimestamp();

        // Each answer takes 250 ms of fake time: a closed loop would manage 4 a second, the open loop keeps to 10.
        var run = loop.RunAsync(ArrivalSchedule.Constant(10, 1), start, maxInFlight: 100, () => 0,
            (_, _) =>
            {
                at.Enqueue(time.GetTimestamp());
                return Task.Delay(TimeSpan.FromMilliseconds(250), time);
            },
            _ => Assert.Fail("nothing should be dropped"), TestContext.Current.CancellationToken);
        for (var k = 1; k <= 10; k++)
        {
            await Eventually.UntilAsync(() => at.Count == k, TimeSpan.FromSeconds(5), $"send {k}", TestContext.Current.CancellationToken);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        await run.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(Enumerable.Range(0, 10).Select(k => start + k * time.TimestampFrequency / 10), at);
        Assert.InRange(state.InFlight, 2, 3); // the last ones still out: 250 ms each at 100-ms spacing
    }

    [Fact]
    public void RunState_RequestBudget_StopsAtMaxRequests()
    {
        var state = new RunState(maxRequests: 3);

        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(_ => state.TryTakeRequest()));
        Assert.True(state.BudgetSpent);
    }

    private static List<double> Drain(ArrivalSchedule schedule)
    {
        var starts = new List<double>();
        while (schedule.TryNext(out var seconds))
        {
            starts.Add(seconds);
        }

        return starts;
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
