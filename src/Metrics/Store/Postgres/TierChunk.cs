using System.Runtime.InteropServices;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// One row of a PostgreSQL tier table: one series' buckets over an hour (sixty 1-min buckets, or the one 1-h
/// bucket) as packed arrays indexed by the bucket's position. A day of 1-min data for one series is 24 rows
/// instead of 1,440, which is what makes a 24-h read cheap. Hour-long chunks for every tier keep a batch's
/// rollups to one new row per series and tier when data arrives an hour at a time (a backfill).
/// A position whose count is 0 holds no data. How a chunk is stored is in TierChunk.Storage.cs.
/// </summary>
internal sealed partial class TierChunk
{
    private TierChunk(long seriesId, long startMs, int length)
    {
        SeriesId = seriesId;
        StartMs = startMs;
        Min = new double[length];
        Max = new double[length];
        Sum = new double[length];
        Count = new long[length];
        LastTs = new long[length];
        Last = new double[length];
    }

    public long SeriesId { get; }

    public long StartMs { get; }

    private double[] Min { get; init; }

    private double[] Max { get; init; }

    private double[] Sum { get; init; }

    private long[] Count { get; init; }

    private long[] LastTs { get; init; }

    private double[] Last { get; init; }

    /// <summary>The span of one chunk: an hour, for every tier.</summary>
    public static readonly long ChunkMs = RollupTier.Hour.Ms;

    /// <summary>The start of the chunk holding a time.</summary>
    public static long ChunkOf(long timestampMs) => RollupTier.Hour.BucketOf(timestampMs);

    /// <summary>Folds finer tier buckets into the chunks of a coarser tier.</summary>
    public static Dictionary<(long SeriesId, long StartMs), TierChunk> Group(RollupTier tier, IEnumerable<RollupRow> finer)
    {
        var chunks = new Dictionary<(long, long), TierChunk>();
        foreach (var row in finer)
        {
            var start = ChunkOf(row.BucketMs);
            if (!chunks.TryGetValue((row.SeriesId, start), out var chunk))
            {
                chunks[(row.SeriesId, start)] = chunk = new TierChunk(row.SeriesId, start, (int)(ChunkMs / tier.Ms));
            }

            chunk.Add(tier, row with { BucketMs = tier.BucketOf(row.BucketMs) });
        }

        return chunks;
    }

    /// <summary>Folds samples into the chunks of a tier, one per series and chunk.</summary>
    public static Dictionary<(long SeriesId, long StartMs), TierChunk> Group(RollupTier tier, List<(long SeriesId, long TimestampMs, double Value)> samples)
    {
        var chunks = new Dictionary<(long, long), TierChunk>();
        foreach (var (id, ts, value) in CollectionsMarshal.AsSpan(samples))
        {
            var start = ChunkOf(ts);
            if (!chunks.TryGetValue((id, start), out var chunk))
            {
                chunks[(id, start)] = chunk = new TierChunk(id, start, (int)(ChunkMs / tier.Ms));
            }

            chunk.AddSample((int)((ts - start) / tier.Ms), ts, value);
        }

        return chunks;
    }

    private void AddSample(int i, long ts, double value)
    {
        if (Count[i] == 0)
        {
            (Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]) = (value, value, value, 1, ts, value);
            return;
        }

        Min[i] = Math.Min(Min[i], value);
        Max[i] = Math.Max(Max[i], value);
        Sum[i] += value;
        Count[i]++;
        if (ts >= LastTs[i])
        {
            (LastTs[i], Last[i]) = (ts, value);
        }
    }

    public void Add(RollupTier tier, RollupRow row)
    {
        var i = (int)((row.BucketMs - StartMs) / tier.Ms);
        if (Count[i] == 0)
        {
            (Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]) = (row.Min, row.Max, row.Sum, row.Count, row.LastTs, row.Last);
            return;
        }

        var merged = Row(tier, i).Merge(row);
        (Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]) = (merged.Min, merged.Max, merged.Sum, merged.Count, merged.LastTs, merged.Last);
    }

    /// <summary>Another piece of the same chunk (an earlier write) folded into this one.</summary>
    public void Add(RollupTier tier, TierChunk other)
    {
        foreach (var row in other.Rows(tier))
        {
            Add(tier, row);
        }
    }

    private RollupRow Row(RollupTier tier, int i) =>
        new(SeriesId, StartMs + i * tier.Ms, Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]);

    /// <summary>The buckets that hold data, in time order.</summary>
    public IEnumerable<RollupRow> Rows(RollupTier tier)
    {
        for (var i = 0; i < Count.Length; i++)
        {
            if (Count[i] > 0)
            {
                yield return Row(tier, i);
            }
        }
    }
}
