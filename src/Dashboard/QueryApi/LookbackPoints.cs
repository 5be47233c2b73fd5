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
    /// The read behind it: buckets (t − step, t] on the query's grid, reaching a lookback back before the start, each
    /// giving its newest sample at its own timestamp — as many points as the answer, not every raw sample.
    /// </summary>
    public static RangeQuery Read(SeriesSelector selector, long start, long end, long step, long lookback)
    {
        var back = (lookback + step - 1) / step * step;
        return new RangeQuery(selector, start - back + 1, end, step, Aggregation.LastSample);
    }

    /// <summary>The value at start, start + step, … up to end, from <paramref name="newest"/> (what <see cref="Read"/> gave, in time order).</summary>
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
