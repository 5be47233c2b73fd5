namespace X0tta6bl4.Ops.Collector.Sources.Prometheus;

/// <summary>
/// Prometheus's scrape targets as of the last poll, with their last error text (which no series can
/// hold), for the Targets page. Null until the first successful read.
/// </summary>
public sealed class PrometheusTargetsBoard
{
    private volatile Snapshot? _latest;

    public sealed record Snapshot(DateTimeOffset ReadAt, IReadOnlyList<PromTarget> Targets);

    public Snapshot? Latest => _latest;

    public void Publish(DateTimeOffset readAt, IReadOnlyList<PromTarget> targets) => _latest = new Snapshot(readAt, targets);
}
