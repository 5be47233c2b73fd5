using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>
/// The one store contract. Implementations: <see cref="Sqlite.SqliteMetricStore"/> (default, embedded)
/// and <see cref="Postgres.PostgresMetricStore"/> (production). Gaps stay gaps: nothing is interpolated.
/// </summary>
public interface IMetricStore
{
    /// <summary>Writes samples; a sample whose value is NaN is refused (counted, with the reason).</summary>
    Task<WriteResult> WriteAsync(IReadOnlyCollection<SeriesSample> samples, CancellationToken cancellationToken = default);

    /// <summary>Reads a range as one point per step bucket that holds data; empty buckets are absent.</summary>
    Task<IReadOnlyList<RangeSeries>> QueryRangeAsync(RangeQuery query, CancellationToken cancellationToken = default);

    /// <summary>The newest sample of every matching series (series with no samples are left out).</summary>
    Task<IReadOnlyList<LatestSample>> LatestAsync(SeriesSelector selector, CancellationToken cancellationToken = default);

    /// <summary>Every metric name the store holds.</summary>
    Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every known series matching the selector.</summary>
    Task<IReadOnlyList<SeriesKey>> ListSeriesAsync(SeriesSelector selector, CancellationToken cancellationToken = default);

    /// <summary>Deletes what the policy no longer keeps, as of <paramref name="now"/>; returns how many rows or partitions went.</summary>
    Task<int> EnforceRetentionAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default);
}

/// <summary>How long each tier is kept.</summary>
public sealed record RetentionPolicy(TimeSpan Raw, TimeSpan Minute, TimeSpan Hour)
{
    public IReadOnlyDictionary<RollupTier, long> TierCutoffs(DateTimeOffset now) => new Dictionary<RollupTier, long>
    {
        [RollupTier.Minute] = (now - Minute).ToUnixTimeMilliseconds(),
        [RollupTier.Hour] = (now - Hour).ToUnixTimeMilliseconds(),
    };
}

public enum Aggregation
{
    Avg,
    Min,
    Max,
    Last,
    Count,

    /// <summary>
    /// The newest sample of each bucket reported at its own timestamp, not the bucket's start: what the query API needs
    /// to pick Prometheus's sample at t (the newest at or before t within the lookback). Read from the raw samples only,
    /// since the tiers keep no sample's timestamp per bucket.
    /// </summary>
    LastSample,
}

/// <summary>
/// A range read. Bucket k covers [From + k·Step, From + (k+1)·Step) and is reported at its start.
/// </summary>
public sealed record RangeQuery(SeriesSelector Selector, long FromMs, long ToMs, long StepMs, Aggregation Aggregation = Aggregation.Avg)
{
    /// <summary>
    /// Prometheus's 11,000 points per series, and one more: the query API reads a range query's points as the buckets
    /// that end at each t, so its read starts a step before the first point.
    /// </summary>
    public const long MaxSteps = 11_001;

    public void Validate()
    {
        if (StepMs <= 0)
        {
            throw new ArgumentException("The step must be positive.");
        }

        if (ToMs < FromMs)
        {
            throw new ArgumentException("The range ends before it starts.");
        }

        if ((ToMs - FromMs) / StepMs > MaxSteps)
        {
            throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The range holds more than {MaxSteps:N0} steps; use a larger step."));
        }
    }
}

public sealed record RangeSeries(SeriesKey Key, IReadOnlyList<Sample> Points);

public sealed record LatestSample(SeriesKey Key, Sample Sample);

public sealed record WriteResult(int Written, int Refused, string? RefusalReason)
{
    public static readonly WriteResult Empty = new(0, 0, null);
}
