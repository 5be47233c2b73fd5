using X0tta6bl4.Ops.Metrics.Catalog;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>API (§ from ReportOutline): latency over the whole window from bucket increases, status mix, throughput, per-endpoint p95.</summary>
public static class ApiSection
{
    public const string Estimator =
        "histogram_quantile over the request histogram's bucket increases summed across the whole window (each poll adds the observations since the previous poll), not a mean of per-step quantiles";

    public static async Task<ReportSection> BuildAsync(ReportContext c, CancellationToken ct)
    {
        var figures = new List<Figure>();
        var charts = new List<ReportChart>();
        if (c.Job is null)
        {
            return new ReportSection("api", "API", [ReportContext.NotMeasured("api.requests", "Requests", "n", "No request metrics are stored for any job.")], []);
        }

        // Latency distribution over the window.
        var histograms = await c.Reader.HistogramsAsync(c.JobSeries(HistogramSeries.ApiLatencyBucketIncrease), _ => "", ct);
        var whole = histograms.FirstOrDefault(h => h.Observations > 0);
        foreach (var q in CanonicalSeries.LatencyQuantiles)
        {
            var name = "p" + Percentile(q);
            var id = "api.latency." + name;
            if (whole?.Quantile(q) is not { } estimate)
            {
                figures.Add(ReportContext.NotMeasured(id, $"Latency {name}", "s", "No request-latency bucket increases are stored for the window."));
                continue;
            }

            figures.Add(new Figure(id, $"Latency {name}", "s", estimate.Value,
                c.MethodOf($"{HistogramSeries.ApiLatencyBucketIncrease}{{job=\"{c.Job}\"}} ({c.SourceLabel})",
                    Estimator + $" ({whole.Observations:0} requests)" + (estimate.ClampedAtTopBucket ? "; the rank fell in the +Inf bucket, so the value is the highest finite bound (a floor)" : ""),
                    whole.Samples))
            { Better = Better.Lower, Steps = whole.StepQuantiles(q) });
        }

        // Status mix and throughput.
        var rates = CanonicalSeries.ApiRequestsPerSecond;
        var total = await c.Reader.StatAsync(c.JobSeries(rates), Combine.Sum, ct);
        var rateMethod = $"{rates}{{job=\"{c.Job}\"}} ({c.SourceLabel})";
        var requests = total.Steps.Count == 0 ? (double?)null : Math.Round(total.Steps.Sum() * c.StepSeconds);
        figures.Add(new Figure("api.requests", "Requests", "n", requests,
            c.MethodOf(rateMethod, "Σ over steps of the summed per-class request rate × step length (steps without data count nothing)", total.Samples)));
        figures.Add(ReportContext.Mean("api.throughput.mean", "Sustained throughput (mean)", "req/s", total, Better.Neither,
            c.MethodOf(rateMethod, "Mean over steps of the request rate summed over status classes", total.Samples)));
        figures.Add(ReportContext.Max("api.throughput.peak", "Peak throughput", "req/s", total, Better.Neither,
            c.MethodOf(rateMethod, "Per step, each status class's highest stored rate (one per poll, over the collector window), added; the highest step", total.Samples)));
        foreach (var statusClass in new[] { "2xx", "3xx", "4xx", "5xx" })
        {
            var part = await c.Reader.StatAsync(c.JobSeries(rates, ("class", statusClass)), Combine.Sum, ct);
            var shares = Shares(part, total);
            var id = "api.status." + statusClass;
            if (total.Steps.Count == 0)
            {
                figures.Add(ReportContext.NotMeasured(id, $"Status {statusClass}", "ratio", "No request rate in the window."));
                continue;
            }

            // A class with no requests at all in a window with traffic is 0 %, a measured zero.
            var share = part.Steps.Count == 0 ? 0 : part.Steps.Sum() / total.Steps.Sum();
            figures.Add(new Figure(id, $"Status {statusClass}", "ratio", share,
                c.MethodOf(rateMethod, $"Requests of class {statusClass} ÷ all requests over the window (Σ rate × step)", part.Samples + total.Samples))
            { Better = statusClass is "5xx" or "4xx" ? Better.Lower : statusClass == "2xx" ? Better.Higher : Better.Neither, Steps = shares });
        }

        figures.Add(ReportContext.NotMeasured("api.status.200", "Status 200 exactly", "ratio",
            "The catalog keeps status classes (2xx, 4xx, 5xx), not single codes: 200 on its own is not collected."));

        // Per-endpoint p95 over the window.
        var endpoints = await c.Reader.HistogramsAsync(c.JobSeries(HistogramSeries.ApiEndpointLatencyBucketIncrease), k => k["endpoint"] ?? "?", ct);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var endpoint in endpoints.Where(e => e.Observations > 0).OrderByDescending(e => e.Observations))
        {
            var p95 = endpoint.Quantile(0.95);
            figures.Add(new Figure($"api.endpoint.{endpoint.Group}.p95", $"p95 {endpoint.Group}", "s", p95?.Value,
                c.MethodOf($"{HistogramSeries.ApiEndpointLatencyBucketIncrease}{{job=\"{c.Job}\",endpoint=\"{endpoint.Group}\"}}", Estimator + $" ({endpoint.Observations:0} requests)", endpoint.Samples))
            { Better = Better.Lower, Steps = endpoint.StepQuantiles(0.95) });
            rows.Add([endpoint.Group, ReportFormat.Count(endpoint.Observations), ReportFormat.Value("s", endpoint.Quantile(0.5)?.Value), ReportFormat.Value("s", p95?.Value), ReportFormat.Value("s", endpoint.Quantile(0.99)?.Value)]);
        }

        charts.Add(new ReportChart("Throughput", "req/s", c.Grid, [new ReportChartLine("all classes", total.Grid)]));
        if (whole is not null)
        {
            charts.Add(new ReportChart("Latency p95 per step", "s", c.Grid, [new ReportChartLine("p95", Align(whole, c, 0.95))]));
        }

        return new ReportSection("api", "API", figures, [new ReportTable("Per-endpoint latency over the window", ["Endpoint", "Requests", "p50", "p95", "p99"], rows)])
        {
            Notes = [$"Job '{c.Job}', read from {c.SourceLabel}."],
            Charts = charts,
        };
    }

    /// <summary>p95 of each step laid on the window's step grid (null where a step had no requests).</summary>
    private static IReadOnlyList<double?> Align(HistogramWindow histogram, ReportContext c, double q)
    {
        var byStep = histogram.StepStarts.Zip(histogram.StepBuckets).ToDictionary(x => x.First, x => Metrics.Analysis.HistogramQuantile.Estimate(q, x.Second).Value);
        return c.Grid.Select(t => byStep.TryGetValue(t, out var v) && double.IsFinite(v) ? v : (double?)null).ToList();
    }

    private static IReadOnlyList<double> Shares(WindowStat part, WindowStat total) =>
        total.Grid.Select((t, i) => t is > 0 ? (part.Grid.Count > i ? part.Grid[i] ?? 0 : 0) / t.Value : double.NaN).Where(double.IsFinite).ToList();

    public static string Percentile(double q) => (q * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
