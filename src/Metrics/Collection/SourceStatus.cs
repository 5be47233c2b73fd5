namespace X0tta6bl4.Ops.Metrics.Collection;

public enum SourceState
{
    /// <summary>Not polled yet.</summary>
    Unknown,
    Up,
    Down,

    /// <summary>No collector has polled it for three of its intervals: what the row says is old news.</summary>
    Stale,
}

/// <summary>
/// A collector source's live state as the collector that polls it last wrote it to the store (history goes
/// to the store as source_up). <see cref="Collector"/> is the instance that wrote it.
/// </summary>
public sealed record SourceStatus(
    string Name,
    string Endpoint,
    SourceState State,
    DateTimeOffset? LastAttempt,
    DateTimeOffset? LastSuccess,
    string? LastError,
    TimeSpan? LastDuration,
    int SeriesWritten)
{
    public TimeSpan Interval { get; init; }

    public string? Collector { get; init; }

    /// <summary>
    /// The warnings the last poll's answers carried (a distributed engine answering from the stores it reached);
    /// empty when it had none. A poll with warnings is up: its figures are written and marked partial.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>When a poll last came back with warnings, whether or not the last one did; null if none ever has.</summary>
    public DateTimeOffset? LastWarningAt { get; init; }

    /// <summary>The last poll succeeded with warnings: its figures may be incomplete.</summary>
    public bool Partial => State == SourceState.Up && Warnings.Count > 0;

    /// <summary>The state a reader should show at <paramref name="now"/>: a row three intervals old is stale.</summary>
    public SourceStatus AsOf(DateTimeOffset now) =>
        State != SourceState.Unknown && Interval > TimeSpan.Zero && LastAttempt is { } at && now - at > 3 * Interval
            ? this with { State = SourceState.Stale }
            : this;
}

/// <summary>A collector process as it reports itself: the leases it holds and when it was last heard from.</summary>
public sealed record CollectorInstance(string Name, DateTimeOffset StartedAt, DateTimeOffset Heartbeat, IReadOnlyList<string> Holds)
{
    /// <summary>Its write buffer as last reported; null when it has not reported one.</summary>
    public CollectorBuffer? Buffer { get; init; }
}

/// <summary>A collector's write buffer: samples waiting for the store (of its capacity), dropped since start, and its spool on disk (null without one).</summary>
public sealed record CollectorBuffer(long Buffered, long Capacity, long Dropped, long? SpoolBytes, long? SpoolMaxBytes, DateTimeOffset At);
