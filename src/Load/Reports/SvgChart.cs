using System.Globalization;
using System.Text;
using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Reports;

/// <summary>
/// The run per second as an inline SVG: requests per second on top, p50/p95/p99 below on a shared time axis. Plain
/// polylines with a fixed viewBox, so it scales with the page and needs no script.
/// </summary>
internal static class SvgChart
{
    private const double Width = 900, PanelHeight = 160, Left = 60, Right = 10, Gap = 40, Top = 20;

    public static string Render(IReadOnlyList<SecondSnapshot> seconds)
    {
        var svg = new StringBuilder();
        var height = Top + 2 * PanelHeight + Gap + 30;
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-label=\"Requests per second and latency percentiles per second\">"));
        var rps = seconds.Select(s => (double)s.Requests.Total).ToList();
        Panel(svg, "requests / s", Top, [(rps, "#2563eb", "req/s")], seconds.Count);
        Panel(svg, "latency ms", Top + PanelHeight + Gap,
            [(seconds.Select(s => s.P50Ms).ToList(), "#16a34a", "p50"), (seconds.Select(s => s.P95Ms).ToList(), "#d97706", "p95"), (seconds.Select(s => s.P99Ms).ToList(), "#dc2626", "p99")],
            seconds.Count);
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"{height - 5}\" class=\"axis\">0 s</text><text x=\"{Width - Right}\" y=\"{height - 5}\" class=\"axis\" text-anchor=\"end\">{seconds.Count} s</text>"));
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, string title, double top, IReadOnlyList<(List<double> Values, string Color, string Name)> lines, int count)
    {
        var max = Math.Max(1e-9, lines.SelectMany(l => l.Values).DefaultIfEmpty(0).Max());
        var plotWidth = Width - Left - Right;
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{PanelHeight}\" class=\"panel\"/>"));
        svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{top + 10}\" class=\"axis\" text-anchor=\"end\">{max:0.##}</text>"));
        svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{top + PanelHeight}\" class=\"axis\" text-anchor=\"end\">0</text>"));
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"{top - 6}\" class=\"title\">{title}</text>"));
        var legendX = Left + 120.0;
        foreach (var (values, color, name) in lines)
        {
            var points = string.Join(' ', values.Select((v, i) =>
                Invariant($"{Left + (count <= 1 ? 0 : i * plotWidth / (count - 1)):0.#},{top + PanelHeight - v / max * PanelHeight:0.#}")));
            svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points}\"><title>{name}</title></polyline>"));
            svg.Append(Invariant($"<text x=\"{legendX}\" y=\"{top - 6}\" style=\"fill:{color}\" class=\"legend\">■ {name}</text>"));
            legendX += 60;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
