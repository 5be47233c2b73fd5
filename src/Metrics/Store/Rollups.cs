using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>A rollup tier: fixed buckets of <see cref="Ms"/> holding min, max, sum, count and the last value.</summary>
public sealed record RollupTier(string Name, long Ms)
{
    public static readonly RollupTier Minute = new("1m", 60_000);
    public static readonly RollupTier Hour = new("1h", 3_600_000);

    /// <summary>Coarsest first, as the query planner tries them.</summary>
    public static readonly IReadOnlyList<RollupTier> All = [Hour, Minute];

    public string Table => $"rollup_{Name}";

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
    /// exactly what the raw samples would (each bucket's newest sample included: a tier row keeps it with its timestamp);
    /// null means raw samples.
    /// </summary>
    public static RollupTier? Choose(RangeQuery query) =>
        RollupTier.All.FirstOrDefault(t => query.StepMs % t.Ms == 0 && query.FromMs % t.Ms == 0 && (query.ToMs + 1) % t.Ms == 0);
}
