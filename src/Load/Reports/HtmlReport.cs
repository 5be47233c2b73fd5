using System.Net;
using System.Text;
using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Reports;

/// <summary>
/// A run as one self-contained HTML file: inline CSS and an inline SVG chart, no scripts and no external resources,
/// so it opens offline and can be attached anywhere. The tables are the Markdown report's, rendered as HTML.
/// </summary>
public static class HtmlReport
{
    private const string Css = """
        body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111;max-width:960px}
        table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
        td:first-child,th:first-child{text-align:left}.warn{background:#fff4e5;border-left:4px solid #d97706;padding:6px 10px}
        .pass{color:#15803d}.fail{color:#b91c1c}svg{width:100%;height:auto}.panel{fill:#fafafa;stroke:#ddd}
        .axis,.legend{font-size:11px;fill:#555}.title{font-size:12px;font-weight:600}
        """;

    public static string Render(LoadRun run)
    {
        var s = run.Summary;
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Load run: ").Append(E(run.Plan.Name))
            .Append("</title><style>").Append(Css).Append("</style></head><body>");
        html.Append("<h1>Load run: ").Append(E(run.Plan.Name)).Append("</h1><p>Target <code>").Append(E(run.Plan.BaseUrl)).Append("</code> · status <b>")
            .Append(Format.Status(run.Status)).Append("</b>").Append(run.StatusReason is null ? "" : " — " + E(run.StatusReason))
            .Append(" · ").Append(E($"{run.StartedAt:u} – {run.EndedAt:u}")).Append("</p>");
        if (s.GeneratorLimited)
        {
            html.Append("<p class=\"warn\"><b>Generator-limited:</b> ").Append(E(s.GeneratorLimitedReason ?? "")).Append("</p>");
        }

        html.Append(SvgChart.Render(run.Seconds));
        html.Append(Table(["requests", "req/s", "errors", "error rate", "dropped", "2xx", "3xx", "4xx", "5xx", "no answer", "lag p99"],
            [[s.TotalRequests.ToString(), s.AchievedRate.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), s.Errors.ToString(),
              s.ErrorRate.ToString("P3", System.Globalization.CultureInfo.InvariantCulture), s.Dropped.ToString(), s.ByStatus.Status2xx.ToString(),
              s.ByStatus.Status3xx.ToString(), s.ByStatus.Status4xx.ToString(), s.ByStatus.Status5xx.ToString(), s.ByStatus.Error.ToString(), Format.Ms(s.GeneratorLagP99Ms)]]));
        if (s.InterruptedNote is { } interrupted)
        {
            html.Append("<p>").Append(E(interrupted)).Append("</p>");
        }

        html.Append(Table(["", "p50", "p75", "p90", "p95", "p99", "p99.9", "max"],
            [Percentiles("latency (from intended start)", s.Latency), Percentiles("service time (from send)", s.ServiceTime)]));
        if (run.Thresholds.Count > 0)
        {
            html.Append("<h2>Thresholds</h2>").Append(Table(["threshold", "on", "measured", "result"],
                run.Thresholds.Select(t => new[] { t.Expression, t.Request ?? "all", Format.Measured(t), t.Passed ? "pass" : "FAIL" + (t.AbortedRun ? " (aborted the run)" : "") }).ToList()));
        }

        html.Append("<h2>By request</h2>").Append(Table(["request", "requests", "errors", "p50", "p95", "p99", "max"],
            run.Requests.Select(r => new[] { r.Name, r.Summary.TotalRequests.ToString(), r.Summary.Errors.ToString(), Format.Ms(r.Summary.Latency.P50Ms),
                Format.Ms(r.Summary.Latency.P95Ms), Format.Ms(r.Summary.Latency.P99Ms), Format.Ms(r.Summary.Latency.MaxMs) }).ToList()));
        foreach (var c in run.CapacitySearches)
        {
            html.Append("<h2>Capacity search: ").Append(E(c.Scenario)).Append("</h2><p><b>")
                .Append(c.HighestMetRate is { } rate ? E(rate.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)) + " req/s sustained" : "No step met the targets")
                .Append("</b> — ").Append(E(c.StopReason)).Append("</p>");
            html.Append(Table(["rate", "achieved", "requests", "dropped", "p95", "error rate", "met"],
                c.Steps.Select(step => new[] { step.Rate.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), step.AchievedRate.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
                    step.Requests.ToString(), step.Dropped.ToString(), Format.Ms(step.P95Ms), step.ErrorRate.ToString("P2", System.Globalization.CultureInfo.InvariantCulture), step.Met ? "met" : "broke" }).ToList()));
        }

        return html.Append("</body></html>").ToString();
    }

    private static string[] Percentiles(string name, LatencyPercentiles p) =>
        [name, Format.Ms(p.P50Ms), Format.Ms(p.P75Ms), Format.Ms(p.P90Ms), Format.Ms(p.P95Ms), Format.Ms(p.P99Ms), Format.Ms(p.P999Ms), Format.Ms(p.MaxMs)];

    private static string Table(IReadOnlyList<string> head, IReadOnlyList<string[]> rows)
    {
        var table = new StringBuilder("<table><tr>");
        foreach (var h in head)
        {
            table.Append("<th>").Append(E(h)).Append("</th>");
        }

        table.Append("</tr>");
        foreach (var row in rows)
        {
            table.Append("<tr>");
            foreach (var cell in row)
            {
                table.Append("<td>").Append(E(cell)).Append("</td>");
            }

            table.Append("</tr>");
        }

        return table.Append("</table>").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
