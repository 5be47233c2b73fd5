namespace X0tta6bl4.Ops.Metrics.Collection;

/// <summary>An active scrape target as Prometheus's /api/v1/targets reports it.</summary>
public sealed record PromTarget(
    string Job, string Instance, string ScrapeUrl, string Health, string LastError, DateTimeOffset? LastScrape, double LastScrapeDurationSeconds);

/// <summary>An alert as /api/v1/alerts reports it.</summary>
public sealed record PromAlert(string Name, string State, IReadOnlyList<Model.Label> Labels, DateTimeOffset? ActiveAt, string? Summary);

/// <summary>A rule as /api/v1/rules reports it.</summary>
public sealed record PromRule(string Group, string Name, string Type, string Health, string? LastError, string Query, double? ForSeconds);

/// <summary>Prometheus's scrape targets as the collector last read them.</summary>
public sealed record PrometheusTargets(DateTimeOffset ReadAt, IReadOnlyList<PromTarget> Targets);

/// <summary>Prometheus's own alerts and rules as the collector last read them.</summary>
public sealed record PrometheusAlerts(DateTimeOffset ReadAt, IReadOnlyList<PromAlert> Alerts, IReadOnlyList<PromRule> Rules);
