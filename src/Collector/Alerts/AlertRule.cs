using X0tta6bl4.Ops.Collector.Catalog;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Alerts;

/// <summary>A threshold on a canonical series, held for a duration before it fires; evaluated per series.</summary>
public sealed record AlertRule(
    string Id,
    string Name,
    SeriesSelector Selector,
    Comparison Comparison,
    double Threshold,
    TimeSpan For,
    string Severity,
    string Summary)
{
    /// <summary>The alert condition: the value is past the threshold in the rule's direction.</summary>
    public bool Holds(double value) => Sla.Meets(value, Comparison, Threshold);

    /// <summary>The defaults: the seed's SLA targets, pool exhaustion, Redis memory, scrape targets and collector sources down.</summary>
    public static IReadOnlyList<AlertRule> Defaults { get; } =
    [
        new("latency-p95", "p95 latency over 200 ms", SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.95")), Comparison.Above, 0.2, TimeSpan.FromMinutes(5), "warning",
            "The 95th percentile of request latency has been above the SLA's 200 ms for 5 minutes."),
        new("latency-p99", "p99 latency over 500 ms", SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.99")), Comparison.Above, 0.5, TimeSpan.FromMinutes(5), "critical",
            "The 99th percentile of request latency has been above the SLA's 500 ms for 5 minutes."),
        new("error-rate", "5xx error rate over 1 %", new SeriesSelector(DerivedSeries.ApiErrorRatio), Comparison.Above, 0.01, TimeSpan.FromMinutes(5), "critical",
            "More than 1 % of requests have failed with a 5xx for 5 minutes."),
        new("cpu", "Pod CPU over 500 m", new SeriesSelector(CanonicalSeries.PodCpuMillicores), Comparison.Above, 500, TimeSpan.FromMinutes(10), "warning",
            "A pod has used more than half a core for 10 minutes."),
        new("memory", "Pod memory over 1 GiB", new SeriesSelector(CanonicalSeries.PodMemoryBytes), Comparison.Above, 1L << 30, TimeSpan.FromMinutes(10), "warning",
            "A pod has held more than 1 GiB of resident memory for 10 minutes."),
        new("pool", "DB pool over 80 %", new SeriesSelector(DerivedSeries.DbPoolUsageRatio), Comparison.Above, 0.8, TimeSpan.FromMinutes(2), "critical",
            "A pod has used more than 80 % of its database pool for 2 minutes: exhaustion is near."),
        new("redis-memory", "Redis memory over 90 % of maxmemory", new SeriesSelector(DerivedSeries.RedisMemoryUsageRatio), Comparison.Above, 0.9, TimeSpan.FromMinutes(5), "warning",
            "Redis has used more than 90 % of maxmemory for 5 minutes: evictions follow."),
        new("target-down", "Scrape target down", new SeriesSelector(CanonicalSeries.TargetUp), Comparison.Below, 0.5, TimeSpan.FromMinutes(1), "critical",
            "Prometheus could not scrape a target for a minute."),
        new("source-down", "Collector source down", new SeriesSelector(CanonicalSeries.SourceUp), Comparison.Below, 0.5, TimeSpan.FromMinutes(1), "critical",
            "The collector could not read a source for a minute: its figures are going stale."),
    ];
}
