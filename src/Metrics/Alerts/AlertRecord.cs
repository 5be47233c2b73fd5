namespace X0tta6bl4.Ops.Metrics.Alerts;

public enum AlertState
{
    Pending,
    Firing,
    Resolved,
}

/// <summary>
/// One alert from its start to its end: pending when its condition first held, firing once it held for
/// the rule's duration, resolved when it stopped holding; with the acknowledgement, if any. <c>Detail</c> says what
/// the alert measured beyond its value, in words (which burn-rate windows fired, and how fast), when the rule has more.
/// </summary>
public sealed record AlertRecord(
    long Id,
    string RuleId,
    string Severity,
    string Labels,
    AlertState State,
    long StartedMs,
    long? FiredMs,
    long? ResolvedMs,
    double? Value,
    string? AckedBy,
    string? AckComment,
    long? AckedMs,
    string? Detail = null,
    string? SilenceId = null,
    bool SilenceUntilResolved = false);
