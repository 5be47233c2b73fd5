using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Tests;

public sealed class ThresholdTests
{
    [Theory]
    [InlineData("p(95)<500", "p", 95.0, "<", 500.0)]
    [InlineData(" p( 99.9 ) <= 1000 ", "p", 99.9, "<=", 1000.0)]
    [InlineData("rate<0.001", "rate", null, "<", 0.001)]
    [InlineData("max<2000", "max", null, "<", 2000.0)]
    [InlineData("avg>=1.5", "avg", null, ">=", 1.5)]
    [InlineData("med>0", "med", null, ">", 0.0)]
    public void TryParse_K6Expressions_GivesStatisticOperatorLimit(string text, string statistic, double? percentile, string op, double limit)
    {
        Assert.True(ThresholdExpression.TryParse(text, out var expression, out _));
        Assert.Equal(new ThresholdExpression(statistic, percentile, op, limit), expression);
    }

    [Theory]
    [InlineData("p95<500")]
    [InlineData("p(0)<500")]
    [InlineData("p(101)<500")]
    [InlineData("rate<2")]
    [InlineData("p(95)=500")]
    [InlineData("p(95)<")]
    [InlineData("")]
    public void TryParse_Malformed_FailsWithAMessage(string text)
    {
        Assert.False(ThresholdExpression.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Measure_HundredRequestsOf1To100Ms_GivesTheHandComputedStatistics()
    {
        var totals = new Totals();
        for (var ms = 1; ms <= 100; ms++)
        {
            totals.Record(Outcome.Status2xx, failed: ms == 100, latencyUs: ms * 1000, serviceUs: ms * 1000);
        }

        // HdrHistogram at 3 digits holds 95 ms as 95.0xx ms: within 0.1 %.
        Assert.Equal(95, ThresholdEvaluator.Measure(ThresholdExpression.Parse("p(95)<1"), totals)!.Value, 0.1);
        Assert.Equal(50, ThresholdEvaluator.Measure(ThresholdExpression.Parse("med<1"), totals)!.Value, 0.1);
        Assert.Equal(50.5, ThresholdEvaluator.Measure(ThresholdExpression.Parse("avg<1"), totals)!.Value, 0.1);
        Assert.Equal(1, ThresholdEvaluator.Measure(ThresholdExpression.Parse("min<1"), totals)!.Value, 0.01);
        Assert.Equal(100, ThresholdEvaluator.Measure(ThresholdExpression.Parse("max<1"), totals)!.Value, 0.1);
        Assert.Equal(0.01, ThresholdEvaluator.Measure(ThresholdExpression.Parse("rate<1"), totals)!.Value, 9);
    }

    [Theory]
    [InlineData("rate<0.01", false)] // 1 error in 100 is exactly 0.01: not below it
    [InlineData("rate<=0.01", true)]
    [InlineData("p(95)<96", true)]
    [InlineData("p(95)<94", false)]
    public void IsMetBy_MeasuredValues_JudgesTheComparison(string text, bool passes)
    {
        var totals = new Totals();
        for (var ms = 1; ms <= 100; ms++)
        {
            totals.Record(Outcome.Status2xx, failed: ms == 1, latencyUs: ms * 1000, serviceUs: ms * 1000);
        }

        var expression = ThresholdExpression.Parse(text);
        Assert.Equal(passes, expression.IsMetBy(ThresholdEvaluator.Measure(expression, totals)!.Value));
    }

    [Fact]
    public void Measure_NothingRecorded_IsNull()
    {
        Assert.Null(ThresholdEvaluator.Measure(ThresholdExpression.Parse("p(95)<500"), new Totals()));
    }
}
