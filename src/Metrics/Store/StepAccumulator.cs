using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>
/// Folds tier rows, fed in bucket order, into the query's step buckets, with the same meaning as
/// <see cref="StepBuckets.Aggregate"/> on raw samples (which stays the separate definition the tiers are tested against).
/// </summary>
public sealed class StepAccumulator(RangeQuery query) : IRollupSink
{
    // One point per step at most: sized once (up to 4,096 points, 64 kB, below the large-object heap), so a
    // day of minutes does not regrow it eleven times.
    private readonly List<Sample> _points = new((int)Math.Min((query.ToMs - query.FromMs) / query.StepMs + 1, 4_096));
    private RollupRow _current;
    private bool _holding;
    private long _step = long.MinValue;

    public void Add(in RollupRow row)
    {
        if (row.BucketMs < query.FromMs || row.BucketMs > query.ToMs)
        {
            return;
        }

        var start = query.FromMs + (row.BucketMs - query.FromMs) / query.StepMs * query.StepMs;
        if (_holding && start == _step)
        {
            _current = _current.Merge(row);
            return;
        }

        Flush();
        (_step, _current, _holding) = (start, row, true);
    }

    public IReadOnlyList<Sample> Finish()
    {
        Flush();
        return _points;
    }

    private void Flush()
    {
        if (!_holding)
        {
            return;
        }

        _points.Add(query.Aggregation switch
        {
            Aggregation.Avg => new Sample(_step, _current.Sum / _current.Count),
            Aggregation.Min => new Sample(_step, _current.Min),
            Aggregation.Max => new Sample(_step, _current.Max),
            Aggregation.Last => new Sample(_step, _current.Last),
            Aggregation.Count => new Sample(_step, _current.Count),
            // A tier row keeps its bucket's newest sample with its own timestamp, as the raw samples give it.
            Aggregation.LastSample => new Sample(_current.LastTs, _current.Last),
            _ => throw new ArgumentOutOfRangeException(nameof(query)),
        });
        _holding = false;
    }
}
