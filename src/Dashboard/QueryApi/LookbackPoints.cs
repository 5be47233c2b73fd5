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
    /// The two reads behind it, each giving its buckets' newest sample at its own timestamp: the newest sample within
    /// the lookback at start (one bucket, (start − lookback, start]), and buckets (t − step, t] for every later t —
    /// as many points as the answer, not every raw sample, and no more steps than the answer has.
    /// </summary>
    public static (RangeQuery AtStart, RangeQuery After) Reads(SeriesSelector selector, long start, long end, long step, long lookback) =>
        (new RangeQuery(selector, start - lookback + 1, start, lookback, Aggregation.LastSample),
         new RangeQuery(selector, start + 1, Math.Max(end, start + 1), step, Aggregation.LastSample));

    /// <summary>The value at start, start + step, … up to end, from <paramref name="newest"/> (what <see cref="Reads"/> gave, in time order).</summary>
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
