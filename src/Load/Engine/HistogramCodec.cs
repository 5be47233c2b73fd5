using HdrHistogram;
using HdrHistogram.Utilities;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// Latency histograms as the run stores them: HdrHistogram, values in µs, 3 significant digits (0.1 % of a value),
/// encoded in HdrHistogram's compressed V2 form and base64 — the form its other implementations and log tools read.
/// </summary>
public static class HistogramCodec
{
    /// <summary>One hour in µs: latency from the intended start can exceed the request timeout when the generator lags.</summary>
    public const long HighestTrackableMicroseconds = 3_600_000_000;

    public const int SignificantDigits = 3;

    public static LongHistogram Create() => new(1, HighestTrackableMicroseconds, SignificantDigits);

    /// <summary>Records a value clamped to the trackable range (HdrHistogram throws beyond it).</summary>
    public static void Record(HistogramBase histogram, long microseconds) =>
        histogram.RecordValue(Math.Clamp(microseconds, 1, HighestTrackableMicroseconds));

    public static string Encode(HistogramBase histogram)
    {
        // ByteBuffer.Allocate copies an array given to it, so the encoding is read back out of the buffer itself.
        var buffer = ByteBuffer.Allocate(histogram.GetNeededByteBufferCapacity());
        var length = histogram.EncodeIntoCompressedByteBuffer(buffer);
        buffer.Position = 0;
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return Convert.ToBase64String(bytes);
    }

    public static HistogramBase Decode(string base64)
    {
        if (string.IsNullOrEmpty(base64))
        {
            return Create();
        }

        return HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(Convert.FromBase64String(base64)), HighestTrackableMicroseconds);
    }

    /// <summary>The value at a percentile in ms (0 for an empty histogram).</summary>
    public static double PercentileMs(HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;
}
