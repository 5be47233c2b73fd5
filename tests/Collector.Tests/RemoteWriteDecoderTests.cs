using X0tta6bl4.Ops.Collector.RemoteWrite;

namespace X0tta6bl4.Ops.Collector.Tests;

public class RemoteWriteDecoderTests
{
    private const int Max = 1024 * 1024;

    private static readonly RemoteWriteRequests.Series[] TwoSeries =
    [
        new([("__name__", "x0tta6bl4_requests_total"), ("job", "api"), ("instance", "10.0.0.1:8080"), ("status", "200")], [(42, 1_000), (43.5, 16_000)]),
        new([("__name__", "up"), ("job", "api"), ("instance", "10.0.0.1:8080")], [(1, 1_000)]),
    ];

    [Fact]
    public void Decode_PrometheusBody_GivesLabelsAndSamples()
    {
        var series = WriteRequestDecoder.Decode(RemoteWriteRequests.Body(TwoSeries), Max);

        Assert.Equal(2, series.Count);
        Assert.Equal(["__name__", "instance", "job", "status"], series[0].Labels.Select(l => l.Name));
        Assert.Equal("x0tta6bl4_requests_total", series[0].Label("__name__"));
        Assert.Equal("200", series[0].Label("status"));
        Assert.Equal([new PushedSample(42, 1_000), new PushedSample(43.5, 16_000)], series[0].Samples);
        Assert.Equal([new PushedSample(1, 1_000)], series[1].Samples);
    }

    [Fact]
    public void Decode_SpecialValues_KeptBitForBit()
    {
        var stale = BitConverter.UInt64BitsToDouble(0x7ff0000000000002);
        var body = RemoteWriteRequests.Body([new([("__name__", "g"), ("job", "j")], [(double.PositiveInfinity, 1), (-0.0, 2), (stale, 3), (double.MaxValue, -5)])]);

        var samples = WriteRequestDecoder.Decode(body, Max).Single().Samples;

        Assert.Equal([0x7ff0000000000000UL, 0x8000000000000000UL, 0x7ff0000000000002UL, BitConverter.DoubleToUInt64Bits(double.MaxValue)],
            samples.Select(s => BitConverter.DoubleToUInt64Bits(s.Value)));
        Assert.Equal([1L, 2, 3, -5], samples.Select(s => s.TimestampMs));
    }

    [Fact]
    public void Decode_NotSnappy_RefusedWithReason()
    {
        // Snappy's framed stream format (what a misconfigured client might send) begins with a stream identifier chunk.
        byte[] framed = [0xff, 0x06, 0x00, 0x00, (byte)'s', (byte)'N', (byte)'a', (byte)'P', (byte)'p', (byte)'Y'];

        var e = Assert.Throws<RemoteWriteFormatException>(() => WriteRequestDecoder.Decode(framed, Max));

        Assert.Contains("snappy", e.Message);
    }

    [Fact]
    public void Decode_TruncatedSnappyBlock_Refused()
    {
        var body = RemoteWriteRequests.Body(TwoSeries);

        Assert.Throws<RemoteWriteFormatException>(() => WriteRequestDecoder.Decode(body.AsSpan(0, body.Length - 5), Max));
    }

    [Fact]
    public void Decode_GarbageProtobuf_Refused()
    {
        // Field 1, length-delimited, says 200 bytes follow; 3 do.
        var body = RemoteWriteRequests.Snappy([0x0a, 0xc8, 0x01, 1, 2, 3]);

        var e = Assert.Throws<RemoteWriteFormatException>(() => WriteRequestDecoder.Decode(body, Max));

        Assert.Contains("WriteRequest", e.Message);
    }

    [Fact]
    public void Decode_InnerLengthsDisagree_Refused()
    {
        var protobuf = RemoteWriteRequests.Protobuf(TwoSeries);
        // The first label's length (byte 3: series tag, series length, label tag, label length) one too long.
        protobuf[3]++;

        Assert.Throws<RemoteWriteFormatException>(() => WriteRequestDecoder.Decode(RemoteWriteRequests.Snappy(protobuf), Max));
    }

    [Fact]
    public void Decode_BodyThatUnpacksPastTheLimit_RefusedBeforeUnpacking()
    {
        // 4 MiB of zeros compress to about 190 kB, well under the limit: the length in the header is what is checked.
        var body = RemoteWriteRequests.Snappy(new byte[4 * 1024 * 1024]);

        var e = Assert.Throws<RemoteWriteFormatException>(() => WriteRequestDecoder.Decode(body, Max));

        Assert.Contains("MaxDecodedBytes", e.Message);
        Assert.True(body.Length < Max / 4);
    }

    [Fact]
    public void Decode_UnknownFieldsAndMetadata_Skipped()
    {
        var protobuf = RemoteWriteRequests.Protobuf(TwoSeries);
        // WriteRequest.metadata (3): a MetricMetadata with type = COUNTER (field 1, varint 1).
        byte[] metadata = [0x1a, 0x02, 0x08, 0x01];

        var series = WriteRequestDecoder.Decode(RemoteWriteRequests.Snappy([.. protobuf, .. metadata]), Max);

        Assert.Equal(2, series.Count);
    }
}
