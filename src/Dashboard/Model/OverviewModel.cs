using X0tta6bl4.Ops.Metrics.Collection;

namespace X0tta6bl4.Ops.Dashboard.Model;

public enum TileStatus
{
    /// <summary>No data: shown as missing, never as zero.</summary>
    Missing,
    Ok,
    Breach,
    /// <summary>Has a value, but older than the freshness limit.</summary>
    Stale,
}

/// <summary>One headline figure with its value, target, freshness and how it was computed.</summary>
public sealed record MetricTile(
    string Id,
    string Title,
    double? Value,
    string Display,
    long? TimestampMs,
    string Freshness,
    TileStatus Status,
    string Target,
    string HowComputed)
{
    /// <summary>From a poll whose answers carried warnings (a partial response): the value may be incomplete. See <see cref="PartialMarks"/>.</summary>
    public bool Partial { get; init; }
}

/// <summary>A chart line; a null Y is a gap (no data in that step), drawn as a break.</summary>
public sealed record ChartLine(string Name, IReadOnlyList<DateTime> X, IReadOnlyList<double?> Y)
{
    /// <summary>Drawn dashed: a comparison line (a week ago, a limit).</summary>
    public bool Dashed { get; init; }
}

public sealed record OverviewModel(
    string? Job,
    IReadOnlyList<string> Jobs,
    string? Source,
    IReadOnlyList<MetricTile> Tiles,
    IReadOnlyList<ChartLine> Latency,
    IReadOnlyList<ChartLine> Throughput,
    IReadOnlyList<SourceStatus> Sources)
{
    /// <summary>Alerts firing now (from the collector's rules), most severe first.</summary>
    public IReadOnlyList<X0tta6bl4.Ops.Metrics.Alerts.AlertRecord> Firing { get; init; } = [];

    /// <summary>The latency chart's points from polls with warnings, if any (<see cref="PartialSteps"/>).</summary>
    public ChartPartial? LatencyPartial { get; init; }

    public ChartPartial? ThroughputPartial { get; init; }
}
