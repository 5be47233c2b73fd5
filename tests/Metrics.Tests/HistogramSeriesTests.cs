using X0tta6bl4.Ops.Metrics.Catalog;

namespace X0tta6bl4.Ops.Metrics.Tests;

public class HistogramSeriesTests
{
    [Theory]
    [InlineData("0.005", "0.005")]
    [InlineData("0.1", "0.1")]
    [InlineData("1", "1")]
    [InlineData("1.0", "1")]
    [InlineData("1e0", "1")]
    [InlineData("2.5", "2.5")]
    [InlineData("0.00125", "0.00125")]
    [InlineData("0.0059604644775390625", "0.0059604644775390625")]
    [InlineData("+Inf", "+Inf")]
    [InlineData("Inf", "+Inf")]
    public void FormatLe_OfAParsedBound_IsOneTextForEverySpelling(string le, string expected)
    {
        Assert.True(HistogramSeries.TryParseLe(le, out var bound));
        Assert.Equal(expected, HistogramSeries.FormatLe(bound));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("NaN")]
    public void TryParseLe_NotABound_IsFalse(string? le) => Assert.False(HistogramSeries.TryParseLe(le, out _));
}
