using System.Text;
using System.Text.Json;
using X0tta6bl4.Ops.Dashboard.QueryApi;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>The allocation-free point writer says exactly what the general JSON path says.</summary>
public sealed class PromResponsesTests
{
    [Theory]
    [InlineData(1_795_132_800_000L, 12.345)]
    [InlineData(1_795_132_800_500L, -0.1)]
    [InlineData(1_795_132_800_001L, 1e-300)]
    [InlineData(0L, 1.7976931348623157e308)]
    [InlineData(-1_500L, 0.30000000000000004)]
    [InlineData(1_795_132_800_000L, double.PositiveInfinity)]
    [InlineData(1_795_132_800_000L, double.NegativeInfinity)]
    [InlineData(1_795_132_800_000L, double.NaN)]
    public void FormatPoint_EqualsTheSerializedPoint(long timestampMs, double value)
    {
        var written = Encoding.UTF8.GetString(PromResponses.FormatPoint(new byte[96], timestampMs, value));

        using var parsed = JsonDocument.Parse(written);
        using var expected = JsonDocument.Parse(JsonSerializer.Serialize(PromResponses.Point(timestampMs, value)));
        Assert.Equal(expected.RootElement[0].GetRawText(), parsed.RootElement[0].GetRawText());
        Assert.Equal(timestampMs / 1000.0, parsed.RootElement[0].GetDouble());
        Assert.Equal(PromResponses.Value(value), parsed.RootElement[1].GetString());
        Assert.Equal(2, parsed.RootElement.GetArrayLength());
    }
}
