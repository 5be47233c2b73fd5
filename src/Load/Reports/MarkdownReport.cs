using System.Globalization;
using System.Text;
using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Reports;

/// <summary>A run as GitHub-flavoured Markdown: summary, thresholds, per request, capacity steps (for a PR or an issue).</summary>
public static class MarkdownReport
{
    public static string Render(LoadRun run)
    {
        var s = run.Summary;
        var md = new StringBuilder();
        void Line(string line = "") => md.Append(line).Append('\n');
        Line($"# Load run: {Cell(run.Plan.Name)}");
        Line();
        Line($"Target `{run.Plan.BaseUrl}` · status **{Format.Status(run.Status)}**{(run.StatusReason is null ? "" : " — " + Cell(run.StatusReason))} · " +
             $"{run.StartedAt:u} – {run.EndedAt:u} ({s.DurationSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)");
        Line();
        if (s.GeneratorLimited)
        {
            Line($"> **Generator-limited:** {Cell(s.GeneratorLimitedReason ?? "")}");
            Line();
        }

        Line("| requests | req/s | errors | error rate | dropped | 2xx | 3xx | 4xx | 5xx | no answer | lag p99 |");
        Line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Line(string.Create(CultureInfo.InvariantCulture, $"| {s.TotalRequests} | {s.AchievedRate:0.0} | {s.Errors} | {s.ErrorRate:P3} | {s.Dropped} | {s.ByStatus.Status2xx} | {s.ByStatus.Status3xx} | {s.ByStatus.Status4xx} | {s.ByStatus.Status5xx} | {s.ByStatus.Error} | {Format.Ms(s.GeneratorLagP99Ms)} |"));
        Line();
        if (s.InterruptedNote is { } interrupted)
        {
            Line(Cell(interrupted));
            Line();
        }

        Line("| | p50 | p75 | p90 | p95 | p99 | p99.9 | max |");
        Line("|---|---:|---:|---:|---:|---:|---:|---:|");
        Line(Row("latency (from intended start)", s.Latency));
        Line(Row("service time (from send)", s.ServiceTime));
        Line();
        if (run.Thresholds.Count > 0)
        {
            Line("## Thresholds");
            Line();
            Line("| threshold | on | measured | result |");
            Line("|---|---|---:|---|");
            foreach (var t in run.Thresholds)
            {
                Line($"| `{t.Expression}` | {Cell(t.Request ?? "all")} | {Format.Measured(t)} | {(t.Passed ? "✅ pass" : "❌ fail")}{(t.AbortedRun ? " (aborted the run)" : "")} |");
            }

            Line();
        }

        Line("## By request");
        Line();
        Line("| request | requests | errors | p50 | p95 | p99 | max |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in run.Requests)
        {
            var l = r.Summary.Latency;
            Line($"| {Cell(r.Name)} | {r.Summary.TotalRequests} | {r.Summary.Errors} | {Format.Ms(l.P50Ms)} | {Format.Ms(l.P95Ms)} | {Format.Ms(l.P99Ms)} | {Format.Ms(l.MaxMs)} |");
        }

        foreach (var c in run.CapacitySearches)
        {
            Line();
            Line($"## Capacity search: {Cell(c.Scenario)}");
            Line();
            Line($"Targets p95 ≤ {c.TargetP95Ms} ms, error rate ≤ {c.TargetErrorRate.ToString("P2", CultureInfo.InvariantCulture)}. " +
                 $"**{(c.HighestMetRate is { } rate ? rate.ToString("0.##", CultureInfo.InvariantCulture) + " req/s sustained" : "No step met the targets")}** — {Cell(c.StopReason)}.");
            Line();
            Line("| rate | achieved | requests | dropped | p95 | error rate | met |");
            Line("|---:|---:|---:|---:|---:|---:|---|");
            foreach (var step in c.Steps)
            {
                Line(string.Create(CultureInfo.InvariantCulture, $"| {step.Rate:0.##} | {step.AchievedRate:0.##} | {step.Requests} | {step.Dropped} | {Format.Ms(step.P95Ms)} | {step.ErrorRate:P2} | {(step.Met ? "✅" : "❌")} |"));
            }
        }

        return md.ToString();
    }

    private static string Row(string name, LatencyPercentiles p) =>
        $"| {name} | {Format.Ms(p.P50Ms)} | {Format.Ms(p.P75Ms)} | {Format.Ms(p.P90Ms)} | {Format.Ms(p.P95Ms)} | {Format.Ms(p.P99Ms)} | {Format.Ms(p.P999Ms)} | {Format.Ms(p.MaxMs)} |";

    // A pipe or a line break inside a cell would break the table.
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
