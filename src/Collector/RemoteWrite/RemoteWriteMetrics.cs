using Prometheus;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>The receiver's own figures on /metrics: nothing it refuses or leaves out goes uncounted.</summary>
public static class RemoteWriteMetrics
{
    public static readonly Counter Requests = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_remote_write_requests_total", "Remote-write requests by outcome (accepted, malformed, too_large, full).", "outcome");

    public static readonly Counter SamplesReceived = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_remote_write_samples_received_total", "Raw samples in accepted remote-write requests.");

    public static readonly Counter SamplesIgnored = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_remote_write_samples_ignored_total",
        "Raw pushed samples left out, by reason: out_of_order (at or before the target's newest derived scrape), no_job (no job label), stale_marker, native_histogram, repeated (a series' second sample in a scrape held over several pushes: a retried push).",
        "reason");

    public static readonly Counter ScrapesIncomplete = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_remote_write_scrapes_incomplete_total",
        "Pushed scrapes derived before they were known complete, by reason: short (fewer samples than its scrape_samples_post_metric_relabeling when its grace ran out), uncounted (its scrape_samples_post_metric_relabeling never arrived), pending_limit (the target held too many scrapes), target_forgotten (held when its target went silent).",
        "reason");

    public static readonly Counter HeldBatchesUnlogged = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_remote_write_held_batches_unlogged_total",
        "Batches of held (not yet derived) pushed samples that are in memory only: the held-scrape log could not be written, or it reached RemoteWrite:HeldLogMaxBytes and its oldest batches went. A crash would lose them.");

    public static readonly Counter HeldLogErrors = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_remote_write_held_log_errors_total",
        "Writes to the held-scrape log that failed (a full disk): a batch's done mark is tried again at the next push or sweep.");

    public static readonly Counter SeriesDerived = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_remote_write_derived_samples_total", "Canonical samples derived from pushed scrapes and handed to the write buffer.");
}
