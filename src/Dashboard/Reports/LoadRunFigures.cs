using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>The report figures a load run has its own value for, under the same ids, so a window can be compared with a run.</summary>
public static class LoadRunFigures
{
    public static IReadOnlyList<Figure> Of(LoadRun run)
    {
        var s = run.Summary;
        var method = new Method($"load run '{run.Plan.Name}'", "The run's own HDR histograms and counts (latency from each request's intended start)", s.TotalRequests, 1000);
        var perSecond = run.Seconds.GroupBy(x => x.Second).Select(g => (double)g.Sum(x => x.Requests.Total)).ToList();
        var figures = new List<Figure>
        {
            new("api.latency.p50", "Latency p50", "s", s.Latency.P50Ms / 1000, method),
            new("api.latency.p75", "Latency p75", "s", s.Latency.P75Ms / 1000, method),
            new("api.latency.p90", "Latency p90", "s", s.Latency.P90Ms / 1000, method),
            new("api.latency.p95", "Latency p95", "s", s.Latency.P95Ms / 1000, method),
            new("api.latency.p99", "Latency p99", "s", s.Latency.P99Ms / 1000, method),
            new("api.latency.p99.9", "Latency p99.9", "s", s.Latency.P999Ms / 1000, method),
            new("api.requests", "Requests", "n", s.TotalRequests, method),
            new("api.throughput.mean", "Sustained throughput (mean)", "req/s", s.AchievedRate, method) { Steps = perSecond },
            new("api.throughput.peak", "Peak throughput", "req/s", perSecond.Count == 0 ? null : perSecond.Max(), method),
        };
        if (s.ByStatus.Total > 0)
        {
            double total = s.ByStatus.Total;
            figures.Add(new Figure("api.status.2xx", "Status 2xx", "ratio", s.ByStatus.Status2xx / total, method));
            figures.Add(new Figure("api.status.4xx", "Status 4xx", "ratio", s.ByStatus.Status4xx / total, method));
            figures.Add(new Figure("api.status.5xx", "Status 5xx", "ratio", s.ByStatus.Status5xx / total, method));
        }

        return figures;
    }
}
