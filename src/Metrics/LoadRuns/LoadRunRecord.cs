namespace X0tta6bl4.Ops.Metrics.LoadRuns;

public enum LoadRunStatus
{
    Running,
    Completed,
    Stopped,
    Aborted,
    Failed,
}

/// <summary>
/// A load run as the store keeps it: who started it where, its state, and the engine's plan, live progress and
/// final result as JSON (the engine's own types, src/Load, read them back). <see cref="CapacityRps"/> is set for
/// a finished capacity search that found a sustained rate.
/// </summary>
public sealed record LoadRunRecord(
    long Id,
    string Name,
    string Kind,
    LoadRunStatus Status,
    long StartedMs,
    long? EndedMs,
    string StartedBy,
    string Runner,
    long HeartbeatMs,
    bool StopRequested,
    string PlanJson,
    string? ProgressJson,
    string? ResultJson,
    double? CapacityRps,
    string? Error)
{
    /// <summary>The result without its seconds (summary, thresholds, capacity steps), for lists.</summary>
    public string? SummaryJson { get; init; }
}

/// <summary>One second of a run (the engine's per-second snapshot, JSON).</summary>
public sealed record LoadRunSecond(long RunId, int Second, string SnapshotJson);
