using System.Text;

namespace X0tta6bl4.Ops.Dashboard.Reports.Exports;

/// <summary>The report as GitHub-flavoured Markdown: one heading per section, tables for figures.</summary>
public static class MarkdownExport
{
    public static string Render(ReportModel model, ReportOptions options)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(ReportModel.Title).Append('\n').Append('\n');
        foreach (var line in ReportText.Header(model))
        {
            md.Append("- ").Append(Escape(line)).Append('\n');
        }

        foreach (var section in model.Sections)
        {
            md.Append('\n').Append("## ").Append(section.Number).Append(". ").Append(section.Title).Append('\n').Append('\n');
            foreach (var note in section.Notes)
            {
                md.Append(Escape(note)).Append('\n').Append('\n');
            }

            if (section.Figures.Count > 0)
            {
                Table(md, ReportText.FigureColumns, section.Figures.Select(ReportText.FigureRow));
            }

            foreach (var table in section.Tables)
            {
                md.Append("**").Append(Escape(table.Title)).Append("**").Append('\n').Append('\n');
                if (table.Rows.Count == 0)
                {
                    md.Append('_').Append(Escape(table.Empty)).Append('_').Append('\n').Append('\n');
                }
                else
                {
                    Table(md, table.Columns, table.Rows);
                }
            }
        }

        md.Append('\n').Append("## Appendix: methodology").Append('\n').Append('\n');
        foreach (var note in ReportText.MethodNotes(options))
        {
            md.Append("- ").Append(Escape(note)).Append('\n');
        }

        md.Append('\n');
        Table(md, ReportText.MethodColumns, ReportText.MethodRows(model));
        return md.ToString();
    }

    private static void Table(StringBuilder md, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        md.Append("| ").Append(string.Join(" | ", columns.Select(Escape))).Append(" |").Append('\n');
        md.Append('|').Append(string.Concat(columns.Select(_ => " --- |"))).Append('\n');
        foreach (var row in rows)
        {
            md.Append("| ").Append(string.Join(" | ", row.Select(Escape))).Append(" |").Append('\n');
        }

        md.Append('\n');
    }

    /// <summary>Cells and text stay literal: pipes, emphasis and HTML characters are escaped; line breaks become spaces.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '|' or '\\' or '*' or '_' or '`' or '[' or ']' or '<' or '>' or '#':
                    sb.Append('\\').Append(ch);
                    break;
                case '\n' or '\r':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(ch);
                    break;
            }
        }

        return sb.ToString();
    }
}
