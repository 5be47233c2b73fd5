using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Catalog;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>§5 Monitoring: scrape targets and their success, the collector's sources, series and ingest, alert rules and their state.</summary>
public static class MonitoringSection
{
    public static async Task<ReportSection> BuildAsync(ReportContext c, RuleSet rules, IReadOnlyList<AlertRecord> alerts, CancellationToken ct)
    {
        var figures = new List<Figure>();
        var targets = await c.Reader.PerSeriesAsync(ReportContext.Series(CanonicalSeries.TargetUp), ct);
        var up = await c.Reader.StatAsync(ReportContext.Series(CanonicalSeries.TargetUp), Combine.Mean, ct);
        figures.Add(new Figure("mon.targets", "Scrape targets seen", "n", targets.Count == 0 ? null : targets.Select(t => (t.Key["job"], t.Key["instance"])).Distinct().Count(),
            c.MethodOf($"{CanonicalSeries.TargetUp} (Prometheus)", "Distinct job/instance pairs with an up sample in the window", up.Samples)));
        figures.Add(ReportContext.Mean("mon.scrape_success", "Scrape success rate", "ratio", up, Better.Higher,
            c.MethodOf($"{CanonicalSeries.TargetUp} (Prometheus)", "Mean of up (1 = scrape succeeded) over targets and steps", up.Samples)));
        var sources = await c.Reader.PerSeriesAsync(ReportContext.Series(CanonicalSeries.SourceUp), ct);
        var sourceUp = await c.Reader.StatAsync(ReportContext.Series(CanonicalSeries.SourceUp), Combine.Mean, ct);
        figures.Add(ReportContext.Mean("mon.poll_success", "Collector poll success rate", "ratio", sourceUp, Better.Higher,
            c.MethodOf($"{CanonicalSeries.SourceUp} (collector)", "Mean of source_up (1 = poll succeeded) over sources and steps", sourceUp.Samples)));
        var series = await c.Reader.StatAsync(ReportContext.Series(CanonicalSeries.PrometheusSeries), Combine.Sum, ct);
        figures.Add(ReportContext.Last("mon.series", "Series in Prometheus's head", "n", series, Better.Neither,
            c.MethodOf($"{CanonicalSeries.PrometheusSeries} (Prometheus)", "prometheus_tsdb_head_series at the last step", series.Samples)));
        var ingest = await c.Reader.StatAsync(ReportContext.Series(CanonicalSeries.PrometheusIngestPerSecond), Combine.Sum, ct);
        figures.Add(ReportContext.Mean("mon.ingest", "Samples ingested", "/s", ingest, Better.Neither,
            c.MethodOf($"{CanonicalSeries.PrometheusIngestPerSecond} (Prometheus)", "Mean over steps of rate(prometheus_tsdb_head_samples_appended_total)", ingest.Samples)));
        var scrape = await c.Reader.StatAsync(ReportContext.Series(CanonicalSeries.TargetScrapeSeconds), Combine.Max, ct);
        figures.Add(ReportContext.Max("mon.scrape_duration.max", "Slowest scrape", "s", scrape, Better.Lower,
            c.MethodOf($"{CanonicalSeries.TargetScrapeSeconds} (Prometheus)", "Highest stored scrape_duration_seconds of any target", scrape.Samples)));
        figures.Add(new Figure("mon.rules", "Alert rules enabled", "n", rules.Rules.Count(r => r.Enabled),
            c.MethodOf("alert rules (configuration, SLA targets, operators' changes)", "Rules in force now", rules.Rules.Count)));
        figures.Add(new Figure("mon.alerts", "Alerts in the window", "n", alerts.Count,
            c.MethodOf("alert history (store)", "Alerts started in the window, pending ones included", alerts.Count)) { Better = Better.Lower });

        var targetRows = targets.OrderBy(t => t.Key["job"], StringComparer.Ordinal).ThenBy(t => t.Key["instance"], StringComparer.Ordinal)
            .Select(t => (IReadOnlyList<string>)[t.Key["job"] ?? "?", t.Key["instance"] ?? "?", ReportFormat.Value("ratio", t.Mean), ReportFormat.Count(t.Samples)]).ToList();
        var sourceRows = sources.OrderBy(s => s.Key["source"], StringComparer.Ordinal)
            .Select(s => (IReadOnlyList<string>)[s.Key["source"] ?? "?", ReportFormat.Value("ratio", s.Mean), ReportFormat.Count(s.Samples)]).ToList();
        var ruleRows = rules.Rules.Select(r =>
        {
            var ofRule = alerts.Where(a => a.RuleId == r.Rule.Id).ToList();
            var state = !r.Enabled ? "disabled" : ofRule.Any(a => a.State == AlertState.Firing) ? "firing" : ofRule.Any(a => a.State == AlertState.Pending) ? "pending" : "inactive";
            return (IReadOnlyList<string>)[r.Rule.Id, r.Rule.Severity, $"{(r.Rule.Comparison == Metrics.Analysis.Comparison.Below ? "<" : ">")} {r.Rule.Threshold:0.###}", state,
                ReportFormat.Count(ofRule.Count(a => a.FiredMs is not null))];
        }).ToList();
        return new ReportSection("monitoring", "Monitoring", figures,
        [
            new ReportTable("Scrape targets", ["Job", "Instance", "Success", "Samples"], targetRows),
            new ReportTable("Collector sources", ["Source", "Poll success", "Samples"], sourceRows),
            new ReportTable("Alert rules (alert when the value is past the threshold in the direction shown)", ["Rule", "Severity", "Alert when", "State at the window's end", "Fired in the window"], ruleRows),
        ]);
    }
}
