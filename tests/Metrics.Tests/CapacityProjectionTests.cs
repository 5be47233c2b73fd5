using X0tta6bl4.Ops.Metrics.Analysis;

namespace X0tta6bl4.Ops.Metrics.Tests;

public class CapacityProjectionTests
{
    // 100 req/s today, 50 req/s per pod, 30 % headroom, 400 m CPU, 200 MiB per pod, pools of 20 against
    // max_connections 200, Redis 100 MiB of 512 MiB, 10 GiB stored growing 100 MiB a day on a 50 GiB disk, at most 10 pods.
    private static readonly CapacityInputs Inputs = new(
        100, 50, 0.3, 400, 200 * 1024 * 1024, 20, 200, 100 * 1024 * 1024, 512 * 1024 * 1024,
        10L * 1024 * 1024 * 1024, 100 * 1024 * 1024, 50L * 1024 * 1024 * 1024, 10);

    [Theory]
    [InlineData(0.3, 0, 100.0, 3)]      // ⌈100 · 1.3 / 50⌉ = ⌈2.6⌉
    [InlineData(0.3, 3, 130.0, 4)]      // ⌈130 · 1.3 / 50⌉ = ⌈3.38⌉
    [InlineData(0.3, 12, 285.61, 8)]    // 100 · 1.3⁴ = 285.61; ⌈7.43⌉
    [InlineData(1.0, 12, 1600.0, 42)]   // 100 · 2⁴ = 1600; ⌈41.6⌉
    [InlineData(1.0, 6, 400.0, 11)]     // 100 · 2² = 400; ⌈10.4⌉
    public void At_LoadGrowsPerQuarterAndPodsCarryItWithHeadroom(double growth, double month, double load, int pods)
    {
        var row = CapacityProjection.At(Inputs, growth, month);

        Assert.Equal(load, row.RequestsPerSecond, 6);
        Assert.Equal(pods, row.Pods);
        Assert.Equal(pods * 20, row.DbConnections);
        Assert.Equal(pods * 200.0 * 1024 * 1024, row.MemoryBytes);
        Assert.Equal(400 * load / 100, row.CpuMillicores, 6);
        Assert.Equal(100.0 * 1024 * 1024 * load / 100, row.RedisBytes, 3);
    }

    [Fact]
    public void Storage_WithoutGrowth_IsLinear_AndWithGrowthIntegratesTheLoad()
    {
        var flat = CapacityProjection.Storage(Inputs, 0, 12);
        var growing = CapacityProjection.Storage(Inputs, 0.3, 12);

        // 12 months = 365.25 days at 100 MiB a day.
        Assert.Equal(10.0 * 1024 * 1024 * 1024 + 100.0 * 1024 * 1024 * 365.25, flat!.Value, 0);
        // 100 MiB · 30.4375 · 3 · (1.3⁴ − 1) / ln 1.3 = 100 MiB · 645.99 days
        Assert.Equal(10.0 * 1024 * 1024 * 1024 + 100.0 * 1024 * 1024 * 30.4375 * 3 * (Math.Pow(1.3, 4) - 1) / Math.Log(1.3), growing!.Value, 0);
        Assert.True(growing > flat);
    }

    [Fact]
    public void RunOuts_FindTheDayEachLimitIsPassed()
    {
        var today = new DateOnly(2026, 11, 27);

        var runOuts = CapacityProjection.RunOuts(Inputs, 0.3, today, 36).ToDictionary(r => r.Resource);

        // Pods: more than 10 once ⌈L · 1.3 / 50⌉ > 10, i.e. L > 384.6 req/s: 100 · 1.3^(m/3) > 384.6 → m > 15.40 months.
        var podMonths = 3 * Math.Log(10 * 50 / 1.3 / 100) / Math.Log(1.3);
        Assert.InRange(runOuts["Pods"].Date!.Value.DayNumber - today.DayNumber, (int)(podMonths * 30.4375) - 1, (int)(podMonths * 30.4375) + 1);
        // DB connections pass 200 on the same day pods pass 10 (20 connections each).
        Assert.Equal(runOuts["Pods"].Date, runOuts["DB connections"].Date);
        // Redis: 100 MiB · L/100 > 512 MiB → L > 512 → m = 3 · ln 5.12 / ln 1.3 = 18.66 months.
        var redisMonths = 3 * Math.Log(5.12) / Math.Log(1.3);
        Assert.InRange(runOuts["Redis memory"].Date!.Value.DayNumber - today.DayNumber, (int)(redisMonths * 30.4375) - 1, (int)(redisMonths * 30.4375) + 1);
    }

    [Fact]
    public void RunOuts_NoGrowthAndRoom_NeverRunOutWithinTheHorizon()
    {
        var runOuts = CapacityProjection.RunOuts(Inputs with { StorageGrowthPerDay = 0 }, 0, new DateOnly(2026, 11, 27), 12);

        Assert.All(runOuts, r => Assert.Null(r.Date));
    }

    [Fact]
    public void GrowthNotMeasured_StorageIsNotProjected_AndItsRunOutSaysWhatIsMissing()
    {
        var unmeasured = Inputs with { StorageGrowthPerDay = null };

        var row = CapacityProjection.At(unmeasured, 0.3, 12);
        var runOuts = CapacityProjection.RunOuts(unmeasured, 0.3, new DateOnly(2026, 11, 27), 36);

        Assert.Null(row.StorageBytes);                                  // not S₀ carried forward as if it did not grow
        Assert.Equal(8, row.Pods);                                      // the rest is projected as before
        var storage = Assert.Single(runOuts, r => r.Resource == "Storage");
        Assert.Null(storage.Date);
        Assert.Equal(CapacityProjection.StorageGrowthMissing, storage.Missing);
        Assert.All(runOuts.Where(r => r.Resource != "Storage"), r => Assert.Null(r.Missing));
        Assert.Equal(["Pods", "Storage", "DB connections", "Redis memory"], runOuts.Select(r => r.Resource));
    }

    [Fact]
    public void Fit_Linear_RecoversSlopeAndIntercept()
    {
        var history = Enumerable.Range(0, 20).Select(d => ((double)d, 10 + 2.0 * d)).ToList();

        var fit = TrendFitting.Fit(history, exponential: false, out var refusal)!;

        Assert.Null(refusal);
        Assert.Equal(2, fit.Slope, 9);
        Assert.Equal(10, fit.Intercept, 9);
        Assert.Equal(1, fit.RSquared, 9);
        // At day 19 the line is at 48 and rises 2 · 91.3125 a quarter: 182.625 / 48.
        Assert.Equal(182.625 / 48, fit.QuarterlyGrowth(19), 9);
    }

    [Fact]
    public void Fit_Exponential_RecoversTheRate()
    {
        var history = Enumerable.Range(0, 30).Select(d => ((double)d, 100 * Math.Exp(0.01 * d))).ToList();

        var fit = TrendFitting.Fit(history, exponential: true, out _)!;

        Assert.Equal(0.01, fit.Slope, 9);
        Assert.Equal(100, fit.Intercept, 6);
        Assert.Equal(Math.Exp(0.01 * 91.3125) - 1, fit.QuarterlyGrowth(0), 9);
    }

    [Fact]
    public void Fit_TooLittleHistory_IsRefusedWithTheReason()
    {
        var history = Enumerable.Range(0, 5).Select(d => ((double)d, 1.0 + d)).ToList();

        var fit = TrendFitting.Fit(history, exponential: false, out var refusal);

        Assert.Null(fit);
        Assert.Contains("at least 14 points over 7 days", refusal);
    }
}
