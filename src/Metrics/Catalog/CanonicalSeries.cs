namespace X0tta6bl4.Ops.Metrics.Catalog;

/// <summary>
/// The canonical series the pages read. Pages never know which source produced a number; the
/// <c>source</c> label says it for whoever wants to check. docs/catalog.md documents each one.
/// </summary>
public static class CanonicalSeries
{
    /// <summary>Request latency quantile in seconds; labels job, quantile, source.</summary>
    public const string ApiLatencySeconds = "api_latency_seconds";

    /// <summary>1 when the quantile of the same labels fell in the +Inf bucket (the value is the highest finite bound, a floor).</summary>
    public const string ApiLatencyClamped = "api_latency_clamped";

    /// <summary>Requests per second by status class (2xx, 4xx, 5xx …); labels job, class, source.</summary>
    public const string ApiRequestsPerSecond = "api_requests_per_second";

    /// <summary>Per-endpoint request latency quantile (p50, p95, p99) in seconds; labels job, endpoint (route template), quantile, source.</summary>
    public const string ApiEndpointLatencySeconds = "api_endpoint_latency_seconds";

    /// <summary>Per-endpoint requests per second by status class; labels job, endpoint, class, source.</summary>
    public const string ApiEndpointRequestsPerSecond = "api_endpoint_requests_per_second";

    /// <summary>Connections the application holds from its database pool; labels job, pod, state (busy), source.</summary>
    public const string DbPoolConnections = "db_pool_connections";

    /// <summary>The application's database pool maximum; labels job, pod, source.</summary>
    public const string DbPoolMaxConnections = "db_pool_max_connections";

    /// <summary>Series in Prometheus's head block; labels instance, source=prometheus.</summary>
    public const string PrometheusSeries = "prometheus_series";

    /// <summary>Samples Prometheus appends per second; labels instance, source=prometheus.</summary>
    public const string PrometheusIngestPerSecond = "prometheus_ingest_samples_per_second";

    /// <summary>How long Prometheus's last scrape of a target took; labels job, instance, source=prometheus.</summary>
    public const string TargetScrapeSeconds = "target_scrape_seconds";

    /// <summary>The quantiles computed per endpoint (fewer than overall, to bound the series count).</summary>
    public static readonly IReadOnlyList<double> EndpointQuantiles = [0.5, 0.95, 0.99];

    /// <summary>CPU use in millicores (1000 = one core busy); labels job, pod, source.</summary>
    public const string PodCpuMillicores = "pod_cpu_millicores";

    /// <summary>When the pod's process started (Unix seconds); a change means a restart. Labels job, pod, source.</summary>
    public const string PodStartTimeSeconds = "pod_start_time_seconds";

    /// <summary>Resident memory in bytes; labels job, pod, source.</summary>
    public const string PodMemoryBytes = "pod_memory_bytes";

    /// <summary>Bytes read from disk per second; labels job, pod, exporter (cadvisor, node_exporter), source=prometheus. Nothing where neither exporter is scraped.</summary>
    public const string PodDiskReadBytesPerSecond = "pod_disk_read_bytes_per_second";

    /// <summary>Bytes written to disk per second; labels as <see cref="PodDiskReadBytesPerSecond"/>.</summary>
    public const string PodDiskWriteBytesPerSecond = "pod_disk_write_bytes_per_second";

    /// <summary>Network bytes received per second; labels as <see cref="PodDiskReadBytesPerSecond"/>.</summary>
    public const string PodNetworkReceiveBytesPerSecond = "pod_network_receive_bytes_per_second";

    /// <summary>Network bytes sent per second; labels as <see cref="PodDiskReadBytesPerSecond"/>.</summary>
    public const string PodNetworkTransmitBytesPerSecond = "pod_network_transmit_bytes_per_second";

    /// <summary>1 when a Prometheus scrape target was up at its last scrape, else 0; labels job, instance, source.</summary>
    public const string TargetUp = "target_up";

    /// <summary>1 when the collector's last poll of a source succeeded, else 0; label source.</summary>
    public const string SourceUp = "source_up";

    /// <summary>How long the collector's last poll of a source took, in seconds; label source.</summary>
    public const string SourcePollSeconds = "source_poll_seconds";

    /// <summary>
    /// Written only for a poll whose answers came with warnings (a distributed engine's partial response): how many
    /// warnings, at the poll's timestamp; label source. Every figure of that source at that timestamp is partial.
    /// </summary>
    public const string SourcePartial = "source_partial";

    /// <summary>The quantiles computed for <see cref="ApiLatencySeconds"/>.</summary>
    public static readonly IReadOnlyList<double> LatencyQuantiles = [0.5, 0.75, 0.9, 0.95, 0.99, 0.999];

    public static string FormatQuantile(double q) => q.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"200" → "2xx"; anything that is not a status code → "unknown".</summary>
    public static string StatusClass(string? status) =>
        status is { Length: 3 } && char.IsAsciiDigit(status[0]) ? $"{status[0]}xx" : "unknown";
}
