namespace X0tta6bl4.Ops.Collector.Sources.Prometheus;

/// <summary>
/// What Prometheus reported at the last poll that no series can hold: its scrape targets with their
/// last errors, and its own alerts and rules with their health. Null until the first successful read.
/// </summary>
public sealed class PrometheusBoard
{
    private volatile Snapshot? _latest;
    private volatile AlertsSnapshot? _alerts;

    public sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyList<PromTarget> Targets);

    public sealed record AlertsSnapshot(DateTimeOffset ReadAt, IReadOnlyList<PromAlert> Alerts, IReadOnlyList<PromRule> Rules);

    public Snapshot? Latest => _latest;

    public AlertsSnapshot? Alerts => _alerts;

    public void Publish(DateTimeOffset readAt, IReadOnlyList<PromTarget> targets) => _latest = new Snapshot(readAt, targets);

    public void PublishAlerts(DateTimeOffset readAt, IReadOnlyList<PromAlert> alerts, IReadOnlyList<PromRule> rules) =>
        _alerts = new AlertsSnapshot(readAt, alerts, rules);
}
