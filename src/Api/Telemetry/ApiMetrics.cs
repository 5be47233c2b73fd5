using Prometheus;

namespace X0tta6bl4.Ops.Api.Telemetry;

/// <summary>Database, cache and pool metrics of the Api (request metrics are in <see cref="RequestMetrics"/>).</summary>
public static class ApiMetrics
{
    /// <summary>The seed's four query classes.</summary>
    public static class QueryClass
    {
        public const string Select = "select";
        public const string Join = "join";
        public const string Transaction = "transaction";
        public const string BulkInsert = "bulk_insert";
    }

    public static readonly Histogram DbQueryDuration = Metrics.CreateHistogram(
        "x0tta6bl4_db_query_duration_seconds", "PostgreSQL query duration by query class.",
        new HistogramConfiguration { LabelNames = ["query"], Buckets = RequestMetrics.DurationBuckets });

    public static readonly Counter DbErrors = Metrics.CreateCounter(
        "x0tta6bl4_db_errors_total", "PostgreSQL calls that failed, by query class.", "query");

    public static readonly Counter CacheRequests = Metrics.CreateCounter(
        "x0tta6bl4_cache_requests_total", "Cache lookups by cache and result (hit, miss, error).", "cache", "result");

    public static readonly Gauge DbPoolBusy = Metrics.CreateGauge(
        "x0tta6bl4_db_pool_connections_busy", "PostgreSQL connections currently rented from the pool.");

    public static readonly Gauge DbPoolMax = Metrics.CreateGauge(
        "x0tta6bl4_db_pool_connections_max", "Maximum size of the PostgreSQL connection pool.");
}
