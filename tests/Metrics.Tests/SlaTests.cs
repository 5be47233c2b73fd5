using X0tta6bl4.Ops.Metrics.Analysis;

namespace X0tta6bl4.Ops.Metrics.Tests;

public class SlaTests
{
    [Fact]
    public void Evaluate_LatencyBelowTarget_MeanWorstAndCompliance()
    {
        // p95 readings in ms against < 200: mean 175, worst 250, 3 of 4 met.
        var result = Sla.Evaluate([100, 150, 200, 250], Comparison.Below, 200);

        Assert.Equal(175, result.Current);
        Assert.Equal(250, result.Worst);
        Assert.Equal(0.5, result.Compliance); // 200 is not below 200
        Assert.Equal(SlaStatus.Pass, result.Status);
    }

    [Fact]
    public void Evaluate_ThroughputAboveTarget_WorstIsTheLowest()
    {
        var result = Sla.Evaluate([300, 500], Comparison.Above, 400);

        Assert.Equal(400, result.Current);
        Assert.Equal(300, result.Worst);
        Assert.Equal(SlaStatus.Fail, result.Status); // 400 is not above 400
    }

    [Fact]
    public void Evaluate_NoData_IsUnknownNeverPass()
    {
        var result = Sla.Evaluate([], Comparison.Below, 200);

        Assert.Equal(SlaStatus.Unknown, result.Status);
        Assert.Null(result.Current);
    }

    [Fact]
    public void Budget_99PercentOver30Days_HalfSpent()
    {
        // 1,000,000 requests, 5,000 bad: 0.5 % of an allowed 1 %. Budget 432 minutes of 43,200; half left.
        var budget = Sla.Budget(0.99, 1_000_000, 5_000, TimeSpan.FromDays(30));

        Assert.Equal(0.005, budget.BadRatio!.Value, 12);
        Assert.Equal(0.5, budget.Remaining!.Value, 12);
        Assert.Equal(216, budget.MinutesLeft!.Value, 9);
    }

    [Fact]
    public void Budget_Overspent_IsNegative_AndNoTrafficIsUnknown()
    {
        Assert.Equal(-1, Sla.Budget(0.99, 100, 2, TimeSpan.FromHours(1)).Remaining!.Value, 12);
        Assert.Null(Sla.Budget(0.99, 0, 0, TimeSpan.FromHours(1)).Remaining);
    }

    [Fact]
    public void BurnRate_FastBurnFiresOnlyWhenBothWindowsBurn()
    {
        // 99 % objective: 15 % errors burns at 15×, 1 % at 1×.
        Assert.Equal(15, Sla.BurnRate(0.99, 100, 15)!.Value, 9);
        var both = new BurnRateCheck(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 14.4, 15, 16);
        var onlyLong = new BurnRateCheck(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 14.4, 15, 1);
        var noData = new BurnRateCheck(TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 14.4, null, 16);

        Assert.True(both.Firing);
        Assert.False(onlyLong.Firing);
        Assert.Null(noData.Firing);
    }
}
