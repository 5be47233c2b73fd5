using System.Globalization;
using System.Text;
using X0tta6bl4.Ops.Dashboard.QueryApi;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>The fast float writer gives exactly the general formatter's shortest round-trip text.</summary>
public sealed class FloatTextTests
{
    [Theory]
    [InlineData(57.125)]
    [InlineData(0.1)]
    [InlineData(0.30000000000000004)]
    [InlineData(-2.5)]
    [InlineData(1200)]
    [InlineData(0.0001)]
    [InlineData(0.00001)]
    [InlineData(999_999_999.999999)]
    [InlineData(1e9)]
    [InlineData(1e15)]
    [InlineData(0.0)]
    [InlineData(double.Epsilon)]
    [InlineData(double.MaxValue)]
    [InlineData(123.4560001)]
    [InlineData(2_747_045)]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(999_999_999_999_999)]
    [InlineData(-999_999_999_999_999)]
    [InlineData(1e15 - 0.5)]
    [InlineData(4_503_599_627_370_496)]
    public void Format_EqualsTheRoundTripFormat(double value) => AssertSame(value);

    [Fact]
    public void Format_EqualsTheRoundTripFormat_ForManyValues()
    {
        AssertSame(-0.0);
        var random = new Random(20261127);
        for (var i = 0; i < 200_000; i++)
        {
            var decimals = random.Next(0, 9);
            var magnitude = Math.Pow(10, random.Next(-6, 12));
            var value = (random.NextDouble() - 0.3) * magnitude;
            AssertSame(Math.Round(value, decimals));   // the common case: a few decimals
            AssertSame(value);                        // and arbitrary doubles
            AssertSame(Math.Round(value * 1_000));     // and whole numbers (counters)
        }
    }

    private static void AssertSame(double value)
    {
        var buffer = new byte[32];
        var written = FloatText.Format(value, buffer);
        Assert.Equal(value.ToString("R", CultureInfo.InvariantCulture), Encoding.ASCII.GetString(buffer, 0, written));
    }
}
