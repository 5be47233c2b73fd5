using System.Globalization;
using System.Net;
using System.Text;

namespace X0tta6bl4.Ops.Dashboard.Reports.Exports;

/// <summary>A report chart as inline SVG (polylines on a fixed viewBox, gaps left open), styled by attributes so it looks the same in the page and in the HTML file, which needs no script.</summary>
public static class ReportSvg
{
    private const double Width = 900, Height = 200, Left = 70, Right = 10, Top = 24, Bottom = 24;
    private static readonly string[] Colors = ["#2563eb", "#d97706", "#16a34a", "#dc2626", "#7c3aed"];

    public static string Render(ReportChart chart)
    {
        var values = chart.Lines.SelectMany(l => l.Values).Where(v => v is not null).Select(v => v!.Value).ToList();
        var svg = new StringBuilder();
        svg.Append(I($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{WebUtility.HtmlEncode(chart.Title)}\">"));
        svg.Append(I($"<text x=\"{Left}\" y=\"14\" font-size=\"12\" fill=\"#374151\">{WebUtility.HtmlEncode(chart.Title)}</text>"));
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        svg.Append(I($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"#fafafa\" stroke=\"#dddddd\"/>"));
        if (values.Count == 0 || chart.StepStartsMs.Count == 0)
        {
            svg.Append(I($"<text x=\"{Left + plotWidth / 2}\" y=\"{Top + plotHeight / 2}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#374151\">not measured</text></svg>"));
            return svg.ToString();
        }

        var max = Math.Max(1e-12, values.Max());
        svg.Append(I($"<text x=\"{Left - 6}\" y=\"{Top + 10}\" font-size=\"11\" fill=\"#374151\" text-anchor=\"end\">{WebUtility.HtmlEncode(ReportFormat.Value(chart.Unit, max))}</text>"));
        svg.Append(I($"<text x=\"{Left - 6}\" y=\"{Top + plotHeight}\" font-size=\"11\" fill=\"#374151\" text-anchor=\"end\">0</text>"));
        var n = chart.StepStartsMs.Count;
        var legend = Left + 200.0;
        for (var l = 0; l < chart.Lines.Count; l++)
        {
            var line = chart.Lines[l];
            var color = Colors[l % Colors.Length];
            var segment = new List<string>();
            void Flush()
            {
                if (segment.Count > 0)
                {
                    svg.Append(I($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{string.Join(' ', segment)}\"/>"));
                    segment.Clear();
                }
            }

            for (var i = 0; i < Math.Min(n, line.Values.Count); i++)
            {
                if (line.Values[i] is { } v)
                {
                    segment.Add(I($"{Left + (n <= 1 ? 0 : i * plotWidth / (n - 1)):0.#},{Top + plotHeight - v / max * plotHeight:0.#}"));
                }
                else
                {
                    Flush();
                }
            }

            Flush();
            svg.Append(I($"<text x=\"{legend}\" y=\"14\" style=\"fill:{color}\" font-size=\"11\">■ {WebUtility.HtmlEncode(line.Name)}</text>"));
            legend += 120;
        }

        var first = DateTimeOffset.FromUnixTimeMilliseconds(chart.StepStartsMs[0]).UtcDateTime;
        var last = DateTimeOffset.FromUnixTimeMilliseconds(chart.StepStartsMs[^1]).UtcDateTime;
        svg.Append(I($"<text x=\"{Left}\" y=\"{Height - 6}\" font-size=\"11\" fill=\"#374151\">{first:yyyy-MM-dd HH:mm}</text><text x=\"{Width - Right}\" y=\"{Height - 6}\" font-size=\"11\" fill=\"#374151\" text-anchor=\"end\">{last:yyyy-MM-dd HH:mm} UTC</text>"));
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
