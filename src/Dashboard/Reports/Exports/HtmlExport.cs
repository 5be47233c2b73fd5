using System.Net;
using System.Text;

namespace X0tta6bl4.Ops.Dashboard.Reports.Exports;

/// <summary>The report as one self-contained HTML file: styles and charts inline, no script, opens offline and prints.</summary>
public static class HtmlExport
{
    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#111;padding:0 1rem}
        h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{font-size:1rem}
        table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.85rem}th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
        th{background:#f4f4f5}td.num{text-align:right;white-space:nowrap}.better{color:#15803d}.worse{color:#b91c1c}.missing{color:#6b7280;font-style:italic}
        .meta{color:#374151}svg{width:100%;height:auto;margin:.5rem 0}svg .panel{fill:#fafafa;stroke:#ddd}svg .axis,svg .legend,svg .title{font-size:11px;fill:#374151}
        @media print{body{margin:0;max-width:none}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
        """;

    public static string Render(ReportModel model, ReportOptions options)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(ReportModel.Title)).Append("</title><style>").Append(Style).Append("</style></head><body>");
        html.Append("<h1>").Append(E(ReportModel.Title)).Append("</h1><ul class=\"meta\">");
        foreach (var line in ReportText.Header(model))
        {
            html.Append("<li>").Append(E(line)).Append("</li>");
        }

        html.Append("</ul>");
        foreach (var section in model.Sections)
        {
            html.Append("<h2 id=\"").Append(E(section.Id)).Append("\">").Append(section.Number).Append(". ").Append(E(section.Title)).Append("</h2>");
            foreach (var note in section.Notes)
            {
                html.Append("<p>").Append(E(note)).Append("</p>");
            }

            foreach (var chart in section.Charts)
            {
                html.Append(ReportSvg.Render(chart));
            }

            if (section.Figures.Count > 0)
            {
                html.Append("<table><thead><tr>");
                foreach (var column in ReportText.FigureColumns)
                {
                    html.Append("<th>").Append(E(column)).Append("</th>");
                }

                html.Append("</tr></thead><tbody>");
                foreach (var figure in section.Figures)
                {
                    var row = ReportText.FigureRow(figure);
                    var verdictClass = figure.Verdict switch { Verdict.Better => "better", Verdict.Worse => "worse", Verdict.NotMeasured => "missing", _ => "" };
                    html.Append("<tr><td>").Append(E(row[0])).Append("</td>");
                    html.Append(figure.Measured ? "<td class=\"num\">" : "<td class=\"num missing\">").Append(E(row[1])).Append("</td>");
                    for (var i = 2; i < row.Count; i++)
                    {
                        html.Append(i == row.Count - 1 ? $"<td class=\"{verdictClass}\">" : "<td class=\"num\">").Append(E(row[i])).Append("</td>");
                    }

                    html.Append("</tr>");
                }

                html.Append("</tbody></table>");
            }

            foreach (var table in section.Tables)
            {
                Table(html, table.Title, table.Columns, table.Rows, table.Empty);
            }
        }

        html.Append("<h2 id=\"appendix\">Appendix: methodology</h2><ul>");
        foreach (var note in ReportText.MethodNotes(options))
        {
            html.Append("<li>").Append(E(note)).Append("</li>");
        }

        html.Append("</ul>");
        Table(html, "Every figure's source, estimator, resolution and samples", ReportText.MethodColumns, ReportText.MethodRows(model).ToList(), "no figures");
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Table(StringBuilder html, string title, IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<string>> rows, string empty)
    {
        html.Append("<h3>").Append(E(title)).Append("</h3>");
        if (rows.Count == 0)
        {
            html.Append("<p class=\"missing\">").Append(E(empty)).Append("</p>");
            return;
        }

        html.Append("<table><thead><tr>");
        foreach (var column in columns)
        {
            html.Append("<th>").Append(E(column)).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append(cell == ReportFormat.NotMeasured ? "<td class=\"missing\">" : "<td>").Append(E(cell)).Append("</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
