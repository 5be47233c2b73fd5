using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>
/// Prometheus's value at each t of a range query: the newest sample at or before t, if it is newer than t − lookback
/// (5 minutes), so a step shorter than the scrape interval repeats the last sample rather than leaving gaps, and a
/// series that stopped ends 5 minutes after its last sample.
/// </summary>
internal static class LookbackPoints
{
    /// <summary>
    /// Reads the store's newest sample of each bucket (t − step, t], at its own timestamp — as many points as the
    /// answer, not every raw sample — and picks the value at each t from them.
    /// </summary>
    public static async Task<IReadOnlyList<RangeSeries>> ReadAsync(IMetricStore store, SeriesSelector selector, long start, long end, long step, long lookback,
        CancellationToken ct)
    {
        var back = (lookback + step - 1) / step * step;
        if ((end - (start - back + 1)) / step <= RangeQuery.MaxSteps)
        {
            // One read, its buckets on the query's grid reaching a lookback back before the start.
            var newest = await store.QueryRangeAsync(new RangeQuery(selector, start - back + 1, end, step, Aggregation.LastSample), ct);
            return Picked(newest.Select(s => (s.Key, s.Points)), start, end, step, lookback);
        }

        // A step so far below the lookback that one read would hold more steps than the store takes: the newest sample
        // within the lookback at start as one bucket, (start − lookback, start], then the buckets after it.
        var seeds = (await store.QueryRangeAsync(new RangeQuery(selector, start - lookback + 1, start, lookback, Aggregation.LastSample), ct))
            .ToDictionary(s => s.Key, s => s.Points);
        var later = end > start ? await store.QueryRangeAsync(new RangeQuery(selector, start + 1, end, step, Aggregation.LastSample), ct) : [];
        var laterKeys = later.Select(s => s.Key).ToHashSet();
        var merged = later.Select(s => (s.Key, (IReadOnlyList<Sample>)[.. seeds.GetValueOrDefault(s.Key, []), .. s.Points]))
            .Concat(seeds.Where(s => !laterKeys.Contains(s.Key)).Select(s => (s.Key, s.Value)));
        return Picked(merged, start, end, step, lookback);
    }

    private static List<RangeSeries> Picked(IEnumerable<(SeriesKey Key, IReadOnlyList<Sample> Newest)> series, long start, long end, long step, long lookback) =>
        series.Select(s => new RangeSeries(s.Key, At(s.Newest, start, end, step, lookback))).Where(s => s.Points.Count > 0).ToList();

    /// <summary>The value at start, start + step, … up to end, from <paramref name="newest"/> (each bucket's newest sample, in time order).</summary>
    public static IReadOnlyList<Sample> At(IReadOnlyList<Sample> newest, long start, long end, long step, long lookback)
    {
        var points = new List<Sample>((int)Math.Min((end - start) / step + 1, newest.Count));
        var at = -1; // the newest sample at or before t
        for (var t = start; t <= end; t += step)
        {
            while (at + 1 < newest.Count && newest[at + 1].TimestampMs <= t)
            {
                at++;
            }

            if (at >= 0 && newest[at].TimestampMs > t - lookback)
            {
                points.Add(new Sample(t, newest[at].Value));
            }
        }

        return points;
    }
}
