using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store.Chunks;

/// <summary>
/// What a chunk's hour holds in the 1-h tier's terms (min, max, sum, count and the last sample), kept beside the
/// chunk so that the hour needs no tier row of its own while its raw chunk is kept (PostgreSQL store, schema 6).
/// </summary>
public readonly record struct ChunkSummary(double Min, double Max, double Sum, long Count, long LastTs, double Last)
{
    /// <summary>The summary of a chunk's samples, in time order; summed in that order, as a raw read sums them.</summary>
    public static ChunkSummary Of(ReadOnlySpan<Sample> samples)
    {
        if (samples.IsEmpty)
        {
            throw new ArgumentException("A chunk holds at least one sample.", nameof(samples));
        }

        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
        foreach (var sample in samples)
        {
            min = Math.Min(min, sample.Value);
            max = Math.Max(max, sample.Value);
            sum += sample.Value;
        }

        return new ChunkSummary(min, max, sum, samples.Length, samples[^1].TimestampMs, samples[^1].Value);
    }
}
