namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>Series the report reads that the pages do not (collected for the report; see docs/catalog.md).</summary>
public static class ReportSeries
{
    /// <summary>Observations added to each cumulative request-latency bucket since the previous poll; labels job, le, source.</summary>
    public const string ApiLatencyBucketIncrease = "api_latency_bucket_increase";

    /// <summary>The same per endpoint; labels job, endpoint, le, source.</summary>
    public const string ApiEndpointLatencyBucketIncrease = "api_endpoint_latency_bucket_increase";

    /// <summary>The same for the Api's database query classes (x0tta6bl4_db_query_duration_seconds); labels job, query, le, source.</summary>
    public const string DbQueryBucketIncrease = "db_query_bucket_increase";

    public const string PodDiskReadBytesPerSecond = "pod_disk_read_bytes_per_second";
    public const string PodDiskWriteBytesPerSecond = "pod_disk_write_bytes_per_second";
    public const string PodNetworkReceiveBytesPerSecond = "pod_network_receive_bytes_per_second";
    public const string PodNetworkTransmitBytesPerSecond = "pod_network_transmit_bytes_per_second";
}
