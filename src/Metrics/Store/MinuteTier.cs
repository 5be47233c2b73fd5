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

    /// <summary>
    /// The sixty minute buckets of one hour, filled from either source and passed on in order; kept as columns
    /// so a raw sample folds in place (a row built and merged per sample was most of a 24-h read's time).
    /// </summary>
    private sealed class HourOfMinutes(long seriesId) : IRollupSink
    {
        private const int Minutes = (int)(ChunkBatch.WindowMs / 60_000);
        private readonly double[] _min = new double[Minutes], _max = new double[Minutes], _sum = new double[Minutes], _last = new double[Minutes];
        private readonly long[] _count = new long[Minutes], _lastTs = new long[Minutes];
        private long _start;

        public void Begin(long hourMs)
        {
            _start = hourMs;
            Array.Clear(_count);
        }

        public void Add(in RollupRow row) => Fold((int)((row.BucketMs - _start) / RollupTier.Minute.Ms), row.Min, row.Max, row.Sum, row.Count, row.LastTs, row.Last);

        public void AddSamples(ReadOnlySpan<byte> chunk)
        {
            var reader = new ChunkReader(chunk);
            while (reader.TryRead(out var s))
            {
                Fold((int)((s.TimestampMs - _start) / RollupTier.Minute.Ms), s.Value, s.Value, s.Value, 1, s.TimestampMs, s.Value);
            }
        }

        /// <summary>The same merge as <see cref="RollupRow.Merge"/>, on the columns.</summary>
        private void Fold(int i, double min, double max, double sum, long count, long lastTs, double last)
        {
            if (_count[i] == 0)
            {
                (_min[i], _max[i], _sum[i], _count[i], _lastTs[i], _last[i]) = (min, max, sum, count, lastTs, last);
                return;
            }

            _min[i] = Math.Min(_min[i], min);
            _max[i] = Math.Max(_max[i], max);
            _sum[i] += sum;
            _count[i] += count;
            if (lastTs >= _lastTs[i])
            {
                (_lastTs[i], _last[i]) = (lastTs, last);
            }
        }

        public void FlushTo(StepAccumulator steps)
        {
            for (var i = 0; i < Minutes; i++)
            {
                if (_count[i] > 0)
                {
                    steps.Add(new RollupRow(seriesId, _start + i * RollupTier.Minute.Ms, _min[i], _max[i], _sum[i], _count[i], _lastTs[i], _last[i]));
                }
            }
        }
    }
}
