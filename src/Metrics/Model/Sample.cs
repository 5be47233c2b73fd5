namespace X0tta6bl4.Ops.Metrics.Model;

/// <summary>A value at a moment, the timestamp in Unix milliseconds (UTC).</summary>
public readonly record struct Sample(long TimestampMs, double Value)
{
    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);
}

/// <summary>A sample of one series, as written to the store.</summary>
public readonly record struct SeriesSample(SeriesKey Key, long TimestampMs, double Value);
