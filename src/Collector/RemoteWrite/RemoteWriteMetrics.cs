using Prometheus;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>
/// The receiver's own figures on /metrics: nothing it refuses or leaves out goes uncounted. One instance per
/// registry: the process's (<see cref="Default"/>, served on /metrics) or a test's own, so that what one ingest
/// counted is read without another running in parallel adding to it.
/// </summary>
public sealed class RemoteWriteMetrics(IMetricFactory factory)
{
    public static RemoteWriteMetrics Default { get; } = new(Prometheus.Metrics.DefaultFactory);

    /// <summary>Counters in a registry of their own, served nowhere: for tests that read what one ingest counted.</summary>
    public static RemoteWriteMetrics Isolated() => new(Prometheus.Metrics.WithCustomRegistry(Prometheus.Metrics.NewCustomRegistry()));

    public Counter Requests { get; } = factory.CreateCounter(
        "x0tta6bl4_ops_remote_write_requests_total", "Remote-write requests by outcome (accepted, malformed, too_large, full).", ["outcome"]);

    public Counter SamplesReceived { get; } = factory.CreateCounter(
        "x0tta6bl4_ops_remote_write_samples_received_total", "Raw samples in accepted remote-write requests.");

    public Counter SamplesIgnored { get; } = factory.CreateCounter(
        "x0tta6bl4_ops_remote_write_samples_ignored_total",
        "Raw pushed samples left out, by reason: out_of_order (at or before the target's newest derived scrape), no_job (no job label), stale_marker, native_histogram, repeated (a series' second sample in a scrape held over several pushes: a retried push).", ["reason"]);

    public Counter ScrapesIncomplete { get; } = factory.CreateCounter(
        "x0tta6bl4_ops_remote_write_scrapes_incomplete_total",
        "Pushed scrapes derived before they were known complete, by reason: short (fewer samples than its scrape_samples_post_metric_relabeling when its grace ran out), uncounted (its scrape_samples_post_metric_relabeling never arrived), pending_limit (the target held too many scrapes), target_forgotten (held when its target went silent).", ["reason"]);

    public Counter HeldBatchesUnlogged { get; } = factory.CreateCounter(
        "x0tta6bl4_ops_remote_write_held_batches_unlogged_total",
        "Batches of held (not yet derived) pushed samples that are in memory only: the held-scrape log could not be written, or it reached RemoteWrite:HeldLogMaxBytes and its oldest batches went. A crash would lose them.");

    public Counter HeldLogErrors { get; } = factory.CreateCounter(
        "x0tta6bl4_ops_remote_write_held_log_errors_total",
        "Writes to the held-scrape log that failed (a full disk): a batch's done mark is tried again at the next push or sweep.");

    public Counter SeriesDerived { get; } = factory.CreateCounter(
        "x0tta6bl4_ops_remote_write_derived_samples_total", "Canonical samples derived from pushed scrapes and handed to the write buffer.");
}
