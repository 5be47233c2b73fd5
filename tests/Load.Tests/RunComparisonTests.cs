using X0tta6bl4.Ops.Load.Analysis;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Tests;

public sealed class RunComparisonTests
{
    [Fact]
    public void MannWhitney_SeparatedSamples_GivesTheNormalApproximation()
    {
        // U = 0; mean 12.5; variance 25/12 × 11 = 22.917; z = (12.5 − 0.5) / 4.787 = 2.507; two-sided p = 0.0122.
        Assert.Equal(0.0122, MannWhitney.PValue([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]), 3);
        Assert.Equal(1, MannWhitney.PValue([3, 3, 3], [3, 3, 3]));
    }

    [Fact]
    public void Compare_IdenticalRuns_NoRealChangeAnywhere()
    {
        var run = Run(seed: 1, scale: 1);

        var report = RunComparison.Compare(run, run);

        Assert.All(report.Metrics, m =>
        {
            Assert.Equal(Verdict.NoRealChange, m.Verdict);
            Assert.Equal(0, m.Delta);
        });
    }

    [Fact]
    public void Compare_TwiceAsSlowEverySecond_LatencyWorseRateUnchanged()
    {
        var baseline = Run(seed: 1, scale: 1);
        var slower = Run(seed: 1, scale: 2);

        var report = RunComparison.Compare(baseline, slower).Metrics.ToDictionary(m => m.Metric);

        foreach (var metric in new[] { "p50", "p95", "p99", "serviceTimeP95" })
        {
            Assert.Equal(Verdict.Worse, report[metric].Verdict);
            Assert.Equal(100, report[metric].DeltaPercent!.Value, 1); // 2× = +100 %, within HdrHistogram's 0.1 %
            Assert.True(report[metric].PValue < 0.001);
        }

        Assert.Equal(Verdict.NoRealChange, report["errorRate"].Verdict);
        Assert.Equal(Verdict.NoRealChange, report["achievedRate"].Verdict);
        Assert.Equal(Verdict.Better, RunComparison.Compare(slower, baseline).Metrics.Single(m => m.Metric == "p95").Verdict);
    }

    [Fact]
    public void Compare_FourPercentSlowerEverySecond_IsSignificantButUnderTheFivePercentMinimum()
    {
        var report = RunComparison.Compare(Run(seed: 1, scale: 1), Run(seed: 1, scale: 1.04)).Metrics.Single(m => m.Metric == "p50");

        Assert.True(report.PValue < 0.01);
        Assert.Equal(Verdict.NoRealChange, report.Verdict);
        Assert.Contains("small", report.Reason);
    }

    [Fact]
    public void Compare_SameLoadDifferentNoise_NoRealChange()
    {
        var report = RunComparison.Compare(Run(seed: 1, scale: 1), Run(seed: 2, scale: 1));

        Assert.All(report.Metrics, m => Assert.Equal(Verdict.NoRealChange, m.Verdict));
    }

    [Fact]
    public void Compare_TooFewSeconds_NoRealChangeEvenWhenTwiceAsSlow()
    {
        var report = RunComparison.Compare(Run(seed: 1, scale: 1, seconds: 3), Run(seed: 1, scale: 2, seconds: 3)).Metrics.Single(m => m.Metric == "p95");

        Assert.Equal(Verdict.NoRealChange, report.Verdict);
        Assert.Contains("too few seconds", report.Reason);
    }

    [Fact]
    public void Compare_ErrorsAppear_ErrorRateWorse()
    {
        var report = RunComparison.Compare(Run(seed: 1, scale: 1), Run(seed: 1, scale: 1, errorEvery: 20)).Metrics.Single(m => m.Metric == "errorRate");

        Assert.Equal(Verdict.Worse, report.Verdict);
        Assert.Equal(0.05, report.Candidate, 3);
    }

    /// <summary>30 seconds of 200 requests each: 5–15 ms (service time 80 % of it), drawn from a seeded generator, times <paramref name="scale"/>.</summary>
    private static LoadRun Run(int seed, double scale, int seconds = 30, int errorEvery = 0)
    {
        var random = new Random(seed);
        var recorder = new RunRecorder(requestNames: 1);
        var snapshots = new List<SecondSnapshot>();
        for (var s = 0; s < seconds; s++)
        {
            for (var i = 0; i < 200; i++)
            {
                var us = (long)((5000 + random.Next(10_000)) * scale);
                var failed = errorEvery > 0 && i % errorEvery == 0;
                recorder.Record(0, failed ? Outcome.Status5xx : Outcome.Status2xx, failed, us, us * 8 / 10, window: null);
            }

            snapshots.Add(recorder.CloseSecond(s, DateTimeOffset.UnixEpoch.AddSeconds(s), "s", 200, 0, 0));
        }

        return new LoadRun
        {
            Plan = new LoadPlan { Name = "synthetic" },
            Seconds = snapshots,
            Summary = recorder.Read(null, t => t.ToSummary(seconds, 10)),
        };
    }
}
