using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>A rollup tier: fixed buckets of <see cref="Ms"/> holding min, max, sum, count and the last value.</summary>
public sealed record RollupTier(string Name, long Ms)
{
    public static readonly RollupTier Minute = new("1m", 60_000);
    public static readonly RollupTier Hour = new("1h", 3_600_000);

    /// <summary>Coarsest first, as the query planner tries them.</summary>
    public static readonly IReadOnlyList<RollupTier> All = [Hour, Minute];

    public string Table => Name == "1m" ? "rollup_1m" : "rollup_1h";

    public long BucketOf(long timestampMs) => Math.DivRem(timestampMs, Ms, out var rem) * Ms - (rem < 0 ? Ms : 0);
}

/// <summary>One bucket of a tier for one series.</summary>
public readonly record struct RollupRow(long SeriesId, long BucketMs, double Min, double Max, double Sum, long Count, long LastTs, double Last)
{
    /// <summary>Folds a later piece of the same bucket into this one.</summary>
    public RollupRow Merge(RollupRow other) => this with
    {
        Min = Math.Min(Min, other.Min),
        Max = Math.Max(Max, other.Max),
        Sum = Sum + other.Sum,
        Count = Count + other.Count,
        LastTs = Math.Max(LastTs, other.LastTs),
        Last = other.LastTs >= LastTs ? other.Last : Last,
    };
}

public static class Rollups
{
    /// <summary>The tier columns an aggregation needs (in RollupRow order after series and bucket); the rest are not read.</summary>
    public static string Columns(Aggregation aggregation) => aggregation switch
    {
        Aggregation.Avg => "0::float8, 0::float8, sum, count, 0::bigint, 0::float8",
        Aggregation.Min => "min, 0::float8, 0::float8, 1::bigint, 0::bigint, 0::float8",
        Aggregation.Max => "0::float8, max, 0::float8, 1::bigint, 0::bigint, 0::float8",
        Aggregation.Last => "0::float8, 0::float8, 0::float8, 1::bigint, last_ts, last",
        _ => "0::float8, 0::float8, 0::float8, count, 0::bigint, 0::float8",
    };

    /// <summary>Aggregates raw samples into the tier's buckets, one row per series and bucket.</summary>
    public static IReadOnlyList<RollupRow> Fold(IEnumerable<(long SeriesId, long TimestampMs, double Value)> samples, RollupTier tier)
    {
        var rows = new Dictionary<(long, long), RollupRow>();
        foreach (var (id, ts, value) in samples)
        {
            var bucket = tier.BucketOf(ts);
            var row = new RollupRow(id, bucket, value, value, value, 1, ts, value);
            rows[(id, bucket)] = rows.TryGetValue((id, bucket), out var existing) ? existing.Merge(row) : row;
        }

        return rows.Values.ToList();
    }

    /// <summary>
    /// The coarsest tier whose buckets fit the query's step buckets exactly (the range starts on a tier
    /// boundary, ends just before one, and the step is a whole number of tier buckets), so a tier answers
    /// exactly what the raw samples would; null means raw samples.
    /// </summary>
    public static RollupTier? Choose(RangeQuery query) =>
        RollupTier.All.FirstOrDefault(t => query.StepMs % t.Ms == 0 && query.FromMs % t.Ms == 0 && (query.ToMs + 1) % t.Ms == 0);

    /// <summary>Step buckets from tier rows (ordered by bucket), with the same meaning as <see cref="StepBuckets.Aggregate"/> on raw samples.</summary>
    public static IReadOnlyList<Sample> Aggregate(List<RollupRow> ordered, RangeQuery query)
    {
        var steps = new StepAccumulator(query);
        foreach (ref readonly var row in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ordered))
        {
            steps.Add(row);
        }

        return steps.Finish();
    }
}

/// <summary>
/// Folds tier rows, fed in bucket order, into the query's step buckets: what <see cref="Rollups.Aggregate"/>
/// does, for callers that produce rows one at a time instead of holding a list of them.
/// </summary>
public sealed class StepAccumulator(RangeQuery query)
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

        _points.Add(new Sample(_step, query.Aggregation switch
        {
            Aggregation.Avg => _current.Sum / _current.Count,
            Aggregation.Min => _current.Min,
            Aggregation.Max => _current.Max,
            Aggregation.Last => _current.Last,
            Aggregation.Count => _current.Count,
            _ => throw new ArgumentOutOfRangeException(nameof(query)),
        }));
        _holding = false;
    }
}
