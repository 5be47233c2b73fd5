using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>§8 Reliability: outages, MTTR and MTTF per component from the up/down history; alerts and how fast people answered them.</summary>
public static class ReliabilitySection
{
    public static async Task<ReportSection> BuildAsync(ReportContext c, IMetricStore store, IReadOnlyList<AlertRecord> alerts, CancellationToken ct)
    {
        var figures = new List<Figure>();
        var rows = new List<IReadOnlyList<string>>();
        var step = Outages.StepFor(c.Window.Length);
        var summaries = new List<OutageSummary>();
        foreach (var (series, name) in new[] { (CanonicalSeries.TargetUp, (Func<SeriesKey, string>)(k => $"{k["job"]} {k["instance"]}")), (CanonicalSeries.SourceUp, k => $"source {k["source"]}") })
        {
            var read = await store.QueryRangeAsync(new RangeQuery(new SeriesSelector(series), c.Window.FromMs, c.Window.ToMs, step, Aggregation.Min), ct);
            foreach (var s in read.Where(s => s.Points.Count > 0).OrderBy(s => name(s.Key), StringComparer.Ordinal))
            {
                var summary = Outages.From(s.Points, step);
                summaries.Add(summary);
                rows.Add([name(s.Key), ReportFormat.Count(summary.Outages), ReportFormat.Value("duration", summary.DowntimeSeconds),
                    ReportFormat.Value("duration", summary.MttrSeconds), ReportFormat.Value("duration", summary.MttfSeconds), ReportFormat.Value("ratio", summary.Availability)]);
            }
        }

        var method = c.MethodOf($"{CanonicalSeries.TargetUp}, {CanonicalSeries.SourceUp}",
            $"Lowest reading per {step / 60_000} min step; consecutive down steps are one outage", summaries.Count) with { ResolutionMs = step };
        var observed = summaries.Count > 0;
        var outages = summaries.Sum(s => s.Outages);
        var downtime = summaries.Sum(s => s.DowntimeSeconds);
        figures.Add(new Figure("rel.outages", "Outages (all components)", "n", observed ? outages : null, method) { Better = Better.Lower });
        figures.Add(new Figure("rel.downtime", "Downtime (all components)", "duration", observed ? downtime : null, method) { Better = Better.Lower });
        figures.Add(new Figure("rel.mttr", "MTTR", "duration", outages == 0 ? null : downtime / outages, method with { Estimator = method.Estimator + "; MTTR = downtime ÷ outages" }) { Better = Better.Lower });
        var uptime = summaries.Sum(s => s.ObservedSeconds - s.DowntimeSeconds);
        figures.Add(new Figure("rel.mttf", "MTTF", "duration", outages == 0 ? null : uptime / outages, method with { Estimator = method.Estimator + "; MTTF = time up ÷ outages" }) { Better = Better.Higher });

        var alertMethod = c.MethodOf("alert history (store)", "Alerts that fired in the window", alerts.Count);
        var fired = alerts.Where(a => a.FiredMs is not null).ToList();
        var acked = fired.Where(a => a.AckedMs is not null).ToList();
        var resolved = fired.Where(a => a.ResolvedMs is not null).ToList();
        figures.Add(new Figure("rel.alerts.fired", "Alerts fired", "n", fired.Count, alertMethod) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.acked", "Alerts acknowledged", "n", acked.Count, alertMethod));
        figures.Add(new Figure("rel.alerts.ack_time", "Mean time to acknowledge", "duration", acked.Count == 0 ? null : acked.Average(a => (a.AckedMs!.Value - a.FiredMs!.Value) / 1000.0),
            alertMethod with { Estimator = "Mean of acknowledged − fired, over acknowledged alerts" }) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.resolve_time", "Mean time to resolve", "duration", resolved.Count == 0 ? null : resolved.Average(a => (a.ResolvedMs!.Value - a.FiredMs!.Value) / 1000.0),
            alertMethod with { Estimator = "Mean of resolved − fired, over resolved alerts" }) { Better = Better.Lower });

        // The alert review's figures, the same the Alerts page shows for the window (AlertReview).
        var review = AlertReview.From(alerts, c.Window.FromMs, c.Window.ToMs);
        var all = review.All;
        var medians = alertMethod with { Estimator = "Linear between closest ranks, from firing; medians, since one forgotten alert moves a mean by hours" };
        figures.Add(new Figure("rel.alerts.ack_median", "Median time to acknowledge", "duration", all.AckMedianSeconds, medians) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.ack_p90", "p90 time to acknowledge", "duration", all.AckP90Seconds, medians) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.resolve_median", "Median time to resolve", "duration", all.ResolveMedianSeconds, medians) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.resolve_p90", "p90 time to resolve", "duration", all.ResolveP90Seconds, medians) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.resolved_unacked", "Resolved before anyone acknowledged", "ratio", all.ResolvedUnackedShare, alertMethod) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.transient", "Over within 5 minutes (transient)", "ratio", all.TransientShare, alertMethod) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.never_acked", "Never acknowledged", "ratio", all.NeverAckedShare, alertMethod) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.flapping_rules", "Flapping rules", "n", review.Rules.Count(r => r.Flapping),
            alertMethod with { Estimator = "Nagios's weighted percent state change over 21 checks 5 min apart, above 20 %" }) { Better = Better.Lower });
        figures.Add(new Figure("rel.alerts.shifts_over", "12-hour shifts with more than two alerts", "n", review.ShiftsOverCeiling,
            alertMethod with { Estimator = $"Alerts fired per 00–12 / 12–24 UTC shift against the SRE book's two; {review.Shifts.Count} shifts" }) { Better = Better.Lower });
        var reviewRows = review.Rules.Append(all).Select(r => (IReadOnlyList<string>)[
            r.RuleId == "all" ? "All rules" : r.RuleId, ReportFormat.Count(r.Fired),
            ReportFormat.Value("duration", r.AckMedianSeconds), ReportFormat.Value("duration", r.AckP90Seconds),
            ReportFormat.Value("duration", r.ResolveMedianSeconds), ReportFormat.Value("duration", r.ResolveP90Seconds),
            ReportFormat.Value("ratio", r.TransientShare), ReportFormat.Value("ratio", r.NeverAckedShare),
            r.FlapPercent is { } f ? $"{f:0} %" + (r.Flapping ? " (flapping)" : "") : "—"]).ToList();

        return new ReportSection("reliability", "Reliability", figures,
        [
            new ReportTable("Per component", ["Component", "Outages", "Downtime", "MTTR", "MTTF", "Availability"], rows),
            new ReportTable("Alert review per rule (noisiest first)",
                ["Rule", "Fired", "Ack median", "Ack p90", "Resolve median", "Resolve p90", "Transient", "Never acked", "Flapping"], reviewRows),
        ]);
    }
}
