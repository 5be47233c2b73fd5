using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>
/// query_range's points at every step: Prometheus's value at t — the newest sample in (t − 5 min, t] — from the raw
/// samples (<see cref="LookbackPoints"/>). Where a series' raw chunks are gone (older than <c>Store:RawRetentionDays</c>,
/// its hours kept in the rollup tiers alone), its earlier t are filled from the tiers, which keep each bucket's newest
/// sample with its timestamp: the newest of those at or before t, if newer than t − 5 min. The one deviation from
/// Prometheus, documented in docs/query-api.md: there a sample exactly at t is seen only when it is its bucket's newest.
/// </summary>
internal static class RangePoints
{
    public static async Task<IReadOnlyList<RangeSeries>> ReadAsync(IMetricStore store, SeriesSelector selector, long start, long end, long step,
        long lookback, CancellationToken ct)
    {
        var raw = await LookbackPoints.ReadAsync(store, selector, start, end, step, lookback, ct);
        // A series whose raw points start at the range's start needs nothing more; for the rest, the tiers may hold
        // the hours before (the raw ones would have answered otherwise, so nothing is counted twice).
        var rawByKey = raw.ToDictionary(s => s.Key, s => s.Points);
        var latestFirst = raw.Count == 0 ? (long?)null : raw.Max(s => s.Points[0].TimestampMs);
        // A step below the tiers' smallest bucket (a minute) is for raw samples alone.
        if (step < RollupTier.Minute.Ms || latestFirst == start)
        {
            return raw;
        }

        // Up to the last t before the latest first raw point (on the grid, so aligned ranges are the tiers' to answer).
        var lastT = start + (end - start) / step * step;
        var tierEnd = latestFirst is { } l ? Math.Min(lastT, l - step) : lastT;
        // Each bucket's newest sample, at its own time, from a lookback before the start to the bucket holding the last t:
        // aligned with the query's grid, so the tiers answer where they can.
        var back = (lookback + step - 1) / step * step;
        var tiered = await store.QueryRangeAsync(new RangeQuery(selector, start - back, tierEnd + step - 1, step, Aggregation.LastSample), ct);
        var filled = new List<RangeSeries>();
        foreach (var series in tiered)
        {
            var before = rawByKey.TryGetValue(series.Key, out var rawPoints) ? rawPoints[0].TimestampMs : long.MaxValue;
            var points = LookbackPoints.At(series.Points, start, tierEnd, step, lookback).Where(p => p.TimestampMs < before).ToList();
            if (points.Count > 0)
            {
                filled.Add(new RangeSeries(series.Key, points));
            }
        }

        if (filled.Count == 0)
        {
            return raw;
        }

        var filledKeys = filled.Select(s => s.Key).ToHashSet();
        return filled.Select(s => new RangeSeries(s.Key, [.. s.Points, .. rawByKey.GetValueOrDefault(s.Key, [])]))
            .Concat(raw.Where(s => !filledKeys.Contains(s.Key)))
            .OrderBy(s => s.Key.LabelText, StringComparer.Ordinal).ToList();
    }
}
