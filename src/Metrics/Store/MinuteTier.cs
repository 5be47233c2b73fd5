using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>Takes tier rows in bucket order (a query's step buckets, or an hour's minutes being gathered).</summary>
public interface IRollupSink
{
    void Add(in RollupRow row);
}

/// <summary>
/// The 1-min tier is kept only for hours whose raw chunks are gone: while an hour's raw chunk is kept it answers
/// 1-min queries itself (it is the same 240 samples the tier would summarise, in a quarter of the bytes), and
/// retention folds it into the tier in the transaction that drops it. Written as samples arrived, the tier was
/// four-fifths of the store's bytes (18 of 23 bytes a sample on the realistic set) for data the raw chunks held anyway.
/// A 1-min read therefore takes each hour from its raw chunk, its tier chunk, or both (samples written into an
/// hour after its raw chunk went), merged minute by minute — exactly what the raw samples would give.
/// </summary>
public static class MinuteTier
{
    /// <summary>
    /// Folds one series' hours into the query's steps: <paramref name="raw"/> its raw chunks and
    /// <paramref name="tier"/> its tier data, each in hour order, each keyed by the hour's start.
    /// </summary>
    public static IReadOnlyList<Model.Sample> Fold<T>(
        RangeQuery query, long seriesId, List<(long HourMs, byte[] Chunk)> raw, List<(long HourMs, T Rows)> tier, Action<T, IRollupSink> addTier)
    {
        var steps = new StepAccumulator(query);
        var hour = new HourOfMinutes(seriesId);
        int i = 0, j = 0;
        while (i < raw.Count || j < tier.Count)
        {
            var start = Math.Min(i < raw.Count ? raw[i].HourMs : long.MaxValue, j < tier.Count ? tier[j].HourMs : long.MaxValue);
            hour.Begin(start);
            if (j < tier.Count && tier[j].HourMs == start)
            {
                addTier(tier[j++].Rows, hour);
            }

            if (i < raw.Count && raw[i].HourMs == start)
            {
                hour.AddSamples(raw[i++].Chunk);
            }

            hour.FlushTo(steps);
        }

        return steps.Finish();
    }

    /// <summary>The sixty minute buckets of one hour, filled from either source and passed on in order.</summary>
    private sealed class HourOfMinutes(long seriesId) : IRollupSink
    {
        private readonly RollupRow[] _slots = new RollupRow[ChunkBatch.WindowMs / RollupTier.Minute.Ms];
        private long _start;

        public void Begin(long hourMs)
        {
            _start = hourMs;
            Array.Clear(_slots);
        }

        public void Add(in RollupRow row)
        {
            ref var slot = ref _slots[(row.BucketMs - _start) / RollupTier.Minute.Ms];
            slot = slot.Count == 0 ? row : slot.Merge(row);
        }

        public void AddSamples(ReadOnlySpan<byte> chunk)
        {
            var reader = new ChunkReader(chunk);
            while (reader.TryRead(out var s))
            {
                Add(new RollupRow(seriesId, RollupTier.Minute.BucketOf(s.TimestampMs), s.Value, s.Value, s.Value, 1, s.TimestampMs, s.Value));
            }
        }

        public void FlushTo(StepAccumulator steps)
        {
            foreach (ref readonly var row in _slots.AsSpan())
            {
                if (row.Count > 0)
                {
                    steps.Add(row);
                }
            }
        }
    }
}
