using X0tta6bl4.Ops.Metrics.Analysis;

namespace X0tta6bl4.Ops.Metrics.Tests;

public class HistogramQuantileTests
{
    // 40 observations: 10 ≤ 0.1 s, 10 in (0.1, 0.2], 20 in (0.2, 0.4], none above.
    private static readonly Bucket[] Buckets =
    [
        new(0.1, 10), new(0.2, 20), new(0.4, 40), new(double.PositiveInfinity, 40),
    ];

    [Theory]
    [InlineData(0.25, 0.1)]   // rank 10: the end of the first bucket, which starts at 0
    [InlineData(0.5, 0.2)]    // rank 20: 0.1 + 0.1 × (10/10)
    [InlineData(0.75, 0.3)]   // rank 30: 0.2 + 0.2 × (10/20)
    [InlineData(0.125, 0.05)] // rank 5: 0 + 0.1 × (5/10)
    public void Estimate_RankInsideAFiniteBucket_InterpolatesLinearly(double q, double expected)
    {
        var estimate = HistogramQuantile.Estimate(q, Buckets);

        Assert.Equal(expected, estimate.Value, 12);
        Assert.False(estimate.ClampedAtTopBucket);
    }

    [Fact]
    public void Estimate_RankInTheInfBucket_ReturnsHighestFiniteBoundAndFlagsIt()
    {
        // 40 observations, 20 of them above 0.2 s: p99's rank (39.6) is in +Inf.
        Bucket[] buckets = [new(0.1, 10), new(0.2, 20), new(double.PositiveInfinity, 40)];

        var estimate = HistogramQuantile.Estimate(0.99, buckets);

        Assert.Equal(0.2, estimate.Value);
        Assert.True(estimate.ClampedAtTopBucket);
    }

    [Fact]
    public void Estimate_NoObservations_IsNaN()
    {
        Bucket[] buckets = [new(0.1, 0), new(double.PositiveInfinity, 0)];

        Assert.True(double.IsNaN(HistogramQuantile.Estimate(0.5, buckets).Value));
    }

    [Fact]
    public void Estimate_WithoutInfBucket_IsNaN()
    {
        Bucket[] buckets = [new(0.1, 5), new(0.2, 10)];

        Assert.True(double.IsNaN(HistogramQuantile.Estimate(0.5, buckets).Value));
    }

    [Theory]
    [InlineData(-0.1, double.NegativeInfinity)]
    [InlineData(1.1, double.PositiveInfinity)]
    public void Estimate_QuantileOutsideZeroToOne_IsInfinite(double q, double expected) =>
        Assert.Equal(expected, HistogramQuantile.Estimate(q, Buckets).Value);

    [Fact]
    public void Estimate_UnsortedAndNonMonotonicBuckets_AreSortedAndLifted()
    {
        // The 0.2 bucket reads lower than the 0.1 bucket (a scrape race); Prometheus lifts it to 10.
        Bucket[] buckets = [new(double.PositiveInfinity, 20), new(0.2, 8), new(0.1, 10), new(0.4, 20)];

        // rank 15: not in (0.1, 0.2] (lifted to 10), so in (0.2, 0.4]: 0.2 + 0.2 × (5/10).
        Assert.Equal(0.3, HistogramQuantile.Estimate(0.75, buckets).Value, 12);
    }

    [Fact]
    public void Estimate_FirstBucketAtOrBelowZero_ReturnsItsBound()
    {
        Bucket[] buckets = [new(-1, 5), new(double.PositiveInfinity, 10)];

        Assert.Equal(-1, HistogramQuantile.Estimate(0.3, buckets).Value);
    }
}
