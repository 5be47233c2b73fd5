using Prometheus;


namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>The collector's own health, exposed on the host's /metrics.</summary>
internal static class CollectorMetrics
{
    public static readonly Counter Polls = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_collector_polls_total", "Polls of each source by outcome.", "source", "outcome");

    public static readonly Counter PartialPolls = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_collector_partial_polls_total", "Successful polls whose answers came with warnings (a partial response).", "source");

    public static readonly Counter SamplesWritten = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_collector_samples_written_total", "Samples written to the store.");

    public static readonly Counter StoreFailures = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_collector_store_failures_total", "Failed writes to the store (the samples stay buffered).");

    public static readonly Counter StateWriteFailures = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_collector_state_write_failures_total", "Failed writes of source states or Prometheus snapshots to the store (the next poll writes them again).");

    public static readonly Gauge BufferedSamples = Prometheus.Metrics.CreateGauge(
        "x0tta6bl4_ops_collector_buffered_samples", "Samples waiting for the store.");

    public static readonly Counter BufferDropped = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_collector_buffer_dropped_samples_total", "Samples dropped because the buffer was full.");

    public static readonly Gauge SpoolBytes = Prometheus.Metrics.CreateGauge(
        "x0tta6bl4_ops_collector_spool_bytes", "Bytes of the write buffer's spool (write-ahead log) on disk.");

    public static readonly Gauge BufferCapacity = Prometheus.Metrics.CreateGauge(
        "x0tta6bl4_ops_collector_buffer_capacity_samples", "Samples the write buffer holds at most (Collector:BufferCapacity).");
}
