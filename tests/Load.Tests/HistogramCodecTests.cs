using System.Text.Json;
using X0tta6bl4.Ops.Load;
using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Tests;

public sealed class HistogramCodecTests
{
    [Fact]
    public void EncodeDecode_RecordedLatencies_GiveBackTheSameDistribution()
    {
        var histogram = HistogramCodec.Create();
        for (var us = 100; us <= 2_000_000; us += 97)
        {
            HistogramCodec.Record(histogram, us);
        }

        var decoded = HistogramCodec.Decode(HistogramCodec.Encode(histogram));

        Assert.Equal(histogram.TotalCount, decoded.TotalCount);
        foreach (var p in new[] { 50, 90, 99, 99.9, 100 })
        {
            Assert.Equal(histogram.GetValueAtPercentile(p), decoded.GetValueAtPercentile(p));
        }
    }

    [Fact]
    public void EncodeDecode_Empty_IsEmpty()
    {
        Assert.Equal(0, HistogramCodec.Decode(HistogramCodec.Encode(HistogramCodec.Create())).TotalCount);
        Assert.Equal(0, HistogramCodec.Decode("").TotalCount);
    }

    [Fact]
    public void Record_BeyondTheTrackableRange_IsClampedNotThrown()
    {
        var histogram = HistogramCodec.Create();

        HistogramCodec.Record(histogram, long.MaxValue);
        HistogramCodec.Record(histogram, -5);

        Assert.Equal(2, histogram.TotalCount);
    }

    [Fact]
    public void SecondSnapshot_JsonRoundTrip_KeepsTheHistogramReadable()
    {
        var recorder = new RunRecorder(requestNames: 1);
        foreach (var ms in new[] { 1, 2, 3, 4, 1000 })
        {
            recorder.Record(0, Outcome.Status2xx, failed: false, latencyUs: ms * 1000, serviceUs: ms * 500, window: null);
        }

        recorder.Record(0, Outcome.Error, failed: true, latencyUs: 5000, serviceUs: 5000, window: null);
        var snapshot = recorder.CloseSecond(0, DateTimeOffset.UnixEpoch, "s", 10, 0, 0);

        var json = JsonSerializer.Serialize(snapshot, LoadJson.Options);
        var back = JsonSerializer.Deserialize<SecondSnapshot>(json, LoadJson.Options)!;

        Assert.Contains("\"2xx\": 5", json);
        Assert.Contains("\"error\": 1", json);
        Assert.Equal(1, back.Errors);
        var latency = HistogramCodec.Decode(back.LatencyHistogram);
        Assert.Equal(6, latency.TotalCount);
        // At 3 significant digits a value comes back within 0.1 % of itself.
        Assert.InRange(HistogramCodec.PercentileMs(latency, 100), 999, 1001);
        Assert.InRange(HistogramCodec.PercentileMs(HistogramCodec.Decode(back.ServiceTimeHistogram), 100), 499.5, 500.5);
    }
}
