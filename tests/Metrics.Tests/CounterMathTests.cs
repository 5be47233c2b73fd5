using X0tta6bl4.Ops.Metrics.Analysis;

namespace X0tta6bl4.Ops.Metrics.Tests;

public class CounterMathTests
{
    [Fact]
    public void Increase_CounterWentUp_IsTheDifference() => Assert.Equal(15, CounterMath.Increase(100, 115));

    [Fact]
    public void Increase_CounterWentDown_CountsFromTheReset() => Assert.Equal(7, CounterMath.Increase(100, 7));

    [Fact]
    public void Rate_AcrossAReset_AddsBothSides()
    {
        // 100 → 130 (+30), reset, → 20 (+20), → 50 (+30): 80 over 30 s.
        var rate = CounterMath.Rate([(0, 100), (10_000, 130), (20_000, 20), (30_000, 50)]);

        Assert.Equal(80.0 / 30, rate!.Value, 12);
    }

    [Fact]
    public void Rate_OneReading_IsUnknown() => Assert.Null(CounterMath.Rate([(0, 1)]));
}
