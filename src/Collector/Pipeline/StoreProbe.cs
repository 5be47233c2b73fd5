using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// Whether a batch is already in the store. A store write is one transaction, so one of its samples tells: a series
/// has one sample per poll timestamp, so finding that series at that millisecond means this batch was committed.
/// </summary>
internal static class StoreProbe
{
    public static async Task<bool> HoldsAsync(IMetricStore store, IReadOnlyList<SeriesSample> batch, CancellationToken ct)
    {
        // The store refuses NaN: a batch of nothing else left nothing to write twice.
        var probe = batch.FirstOrDefault(s => !double.IsNaN(s.Value));
        if (probe.Key is null)
        {
            return true;
        }

        var selector = new SeriesSelector(probe.Key.Name, probe.Key.Labels.Select(l => new LabelMatcher(l.Name, MatchOp.Equal, l.Value)).ToArray());
        var found = await store.QueryRangeAsync(new RangeQuery(selector, probe.TimestampMs, probe.TimestampMs, 1, Aggregation.Count), ct);
        return found.Any(s => s.Key.Equals(probe.Key) && s.Points.Count > 0);
    }
}
