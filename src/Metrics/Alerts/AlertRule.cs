using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Metrics.Alerts;

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

    /// <summary>
    /// Set for an SLO burn-rate rule: the window pairs it watches on each objective of each job. Its value is the
    /// worst pair's <see cref="BurnRateCheck.Severity"/> (slower window's burn ÷ the pair's factor), so the default
    /// threshold 1 fires exactly when both windows of a pair burn faster than the workbook's factor.
    /// </summary>
    public IReadOnlyList<(TimeSpan Long, TimeSpan Short, double Factor)>? BurnPairs { get; init; }

    public const string SloBurnPage = "slo-burn-page";
    public const string SloBurnTicket = "slo-burn-ticket";

    /// <summary>The burn-rate rule that watches a pair's windows.</summary>
    public static string BurnRuleOf(BurnRateCheck check) =>
        Sla.PagePairs.Contains((check.Long, check.Short, check.Factor)) ? SloBurnPage : SloBurnTicket;

    /// <summary>
    /// The threshold an SLA-derived rule takes from the SLA targets in force (in the rule's unit), or null for
    /// a rule that no SLA row governs.
    /// </summary>
    public static double? SlaThreshold(string id, SlaOptions sla) => id switch
    {
        "latency-p95" => sla.P95Ms / 1000,
        "latency-p99" => sla.P99Ms / 1000,
        "error-rate" => sla.ErrorRatePercent / 100,
        "cpu" => sla.CpuMillicores,
        "memory" => sla.MemoryMiB * (1 << 20),
        _ => null,
    };

    /// <summary>The dashboard page that shows a rule's problem: where its alert's link (generatorURL) opens.</summary>
    public static string PageOf(string id) => id switch
    {
        "latency-p95" or "latency-p99" or "error-rate" => "api",
        "cpu" or "memory" => "resources",
        "pool" => "database",
        "redis-memory" => "cache",
        "target-down" or "source-down" => "targets",
        SloBurnPage or SloBurnTicket => "sla",
        _ => "alerts",
    };

    /// <summary>
    /// The defaults: the seed's SLA targets, pool exhaustion, Redis memory, scrape targets and collector sources down, and
    /// the multi-window burn-rate rules on the SLA page's objectives (availability and latency).
    /// </summary>
    public static IReadOnlyList<AlertRule> Defaults { get; } =
    [
        new("latency-p95", "p95 latency over the SLA target", SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.95")), Comparison.Above, 0.2, TimeSpan.FromMinutes(5), "warning",
            "The 95th percentile of request latency has been above the SLA target (200 ms unless changed) for 5 minutes."),
        new("latency-p99", "p99 latency over the SLA target", SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.99")), Comparison.Above, 0.5, TimeSpan.FromMinutes(5), "critical",
            "The 99th percentile of request latency has been above the SLA target (500 ms unless changed) for 5 minutes."),
        new("error-rate", "5xx error rate over the SLA target", new SeriesSelector(DerivedSeries.ApiErrorRatio), Comparison.Above, 0.01, TimeSpan.FromMinutes(5), "critical",
            "More of the requests than the SLA allows (1 % unless changed) have failed with a 5xx for 5 minutes."),
        new("cpu", "Pod CPU over the SLA target", new SeriesSelector(CanonicalSeries.PodCpuMillicores), Comparison.Above, 500, TimeSpan.FromMinutes(10), "warning",
            "A pod has used more CPU than the SLA target (500 m unless changed) for 10 minutes."),
        new("memory", "Pod memory over the SLA target", new SeriesSelector(CanonicalSeries.PodMemoryBytes), Comparison.Above, 1L << 30, TimeSpan.FromMinutes(10), "warning",
            "A pod has held more resident memory than the SLA target (1 GiB unless changed) for 10 minutes."),
        new("pool", "DB pool over 80 %", new SeriesSelector(DerivedSeries.DbPoolUsageRatio), Comparison.Above, 0.8, TimeSpan.FromMinutes(2), "critical",
            "A pod has used more than 80 % of its database pool for 2 minutes: exhaustion is near."),
        new("redis-memory", "Redis memory over 90 % of maxmemory", new SeriesSelector(DerivedSeries.RedisMemoryUsageRatio), Comparison.Above, 0.9, TimeSpan.FromMinutes(5), "warning",
            "Redis has used more than 90 % of maxmemory for 5 minutes: evictions follow."),
        new("target-down", "Scrape target down", new SeriesSelector(CanonicalSeries.TargetUp), Comparison.Below, 0.5, TimeSpan.FromMinutes(1), "critical",
            "Prometheus could not scrape a target for a minute."),
        new("source-down", "Collector source down", new SeriesSelector(CanonicalSeries.SourceUp), Comparison.Below, 0.5, TimeSpan.FromMinutes(1), "critical",
            "The collector could not read a source for a minute: its figures are going stale."),
        new(SloBurnPage, "SLO budget burning fast", new SeriesSelector(CanonicalSeries.ApiRequestsPerSecond), Comparison.Above, 1, TimeSpan.Zero, "critical",
            "An objective's error budget is burning fast enough to be gone within days: both the 1 h and 5 min windows burn faster than 14.4×, or both the 6 h and 30 min faster than 6×.")
        { BurnPairs = Sla.PagePairs },
        new(SloBurnTicket, "SLO budget burning", new SeriesSelector(CanonicalSeries.ApiRequestsPerSecond), Comparison.Above, 1, TimeSpan.Zero, "warning",
            "An objective's error budget is burning faster than it can last the month: both the 1 d and 2 h windows burn faster than 3×, or both the 3 d and 6 h faster than 1×.")
        { BurnPairs = Sla.TicketPairs },
    ];
}
