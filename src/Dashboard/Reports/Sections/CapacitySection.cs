using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Analysis;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>§9 Capacity: measured per-pod capacity, the window's load against it, and the run-out dates of each scenario.</summary>
public static class CapacitySection
{
    public static ReportSection Build(IReadOnlyList<ReportSection> sections, CapacityModel capacity, bool measuredCapacity)
    {
        var figures = new List<Figure>();
        var method = new Method("Capacity page (load runs, store)", capacity.Evidence.FirstOrDefault(e => e.Figure == "Per-pod capacity")?.Source ?? capacity.Missing ?? "—", 0, 0);
        var inputs = capacity.Inputs;
        figures.Add(inputs is null || !measuredCapacity
            ? new Figure("cap.per_pod", "Per-pod capacity (measured)", "req/s", null, method) { Text = inputs is null ? null : $"not measured (a floor of {ReportFormat.Value("req/s", inputs.PerPodCapacity)} observed)" }
            : new Figure("cap.per_pod", "Per-pod capacity (measured)", "req/s", inputs.PerPodCapacity, method) { Better = Better.Higher });
        var mean = ReportSection.Find(sections, "api.throughput.mean");
        var peak = ReportSection.Find(sections, "api.throughput.peak");
        if (inputs is not null && peak?.Value is { } peakLoad)
        {
            var pods = CapacityProjection.Pods(inputs, peakLoad);
            figures.Add(new Figure("cap.pods_for_peak", "Pods needed for the window's peak", "n", pods,
                new Method("api.throughput.peak and per-pod capacity", $"⌈peak × (1 + {inputs.Headroom:P0} headroom) ÷ per-pod capacity⌉", peak.Method.Samples, peak.Method.ResolutionMs)) { Better = Better.Lower });
        }

        var runOuts = capacity.Scenarios.SelectMany(s => s.RunOuts.Select(r => (IReadOnlyList<string>)[s.Name, s.QuarterlyGrowth is { } g ? $"{g * 100:0.#} %/quarter" : "—", r.Resource, r.Limit,
            r.Missing is { } missing ? $"{ReportFormat.NotMeasured}: needs {missing}"
                : r.Date is { } d ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "not within the horizon"])).ToList();
        var evidence = capacity.Evidence.Select(e => (IReadOnlyList<string>)[e.Figure, e.Value, e.Source]).ToList();
        return new ReportSection("capacity", "Capacity", figures,
        [
            new ReportTable("Run-out dates (from now)", ["Scenario", "Growth", "Resource", "Limit", "Runs out"], runOuts) { Empty = capacity.Missing ?? "not measured" },
            new ReportTable("Evidence", ["Figure", "Value", "Source"], evidence) { Empty = capacity.Missing ?? "not measured" },
        ])
        {
            Notes = [$"Load in the window: mean {ReportFormat.Value("req/s", mean?.Value)}, peak {ReportFormat.Value("req/s", peak?.Value)}. The projections start from the Capacity page's load now (the last hour)."],
        };
    }
}
