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

        return new ReportSection(8, "reliability", "Reliability", figures,
            [new ReportTable("Per component", ["Component", "Outages", "Downtime", "MTTR", "MTTF", "Availability"], rows)]);
    }
}
