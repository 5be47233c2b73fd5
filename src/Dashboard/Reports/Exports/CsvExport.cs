using System.Globalization;
using System.Text;

namespace X0tta6bl4.Ops.Dashboard.Reports.Exports;

/// <summary>Every figure as a CSV row (RFC 4180), numbers in their base units; an empty cell is "not measured", never 0.</summary>
public static class CsvExport
{
    public static readonly IReadOnlyList<string> Columns =
        ["section", "id", "label", "unit", "value", "text", "compared", "delta", "delta_percent", "verdict", "p_value", "source", "estimator", "resolution_ms", "samples"];

    public static string Render(ReportModel model)
    {
        var csv = new StringBuilder();
        csv.Append(string.Join(',', Columns)).Append("\r\n");
        foreach (var (section, f) in model.AllFigures)
        {
            string[] cells =
            [
                section.Number.ToString(CultureInfo.InvariantCulture), f.Id, f.Label, f.Unit, N(f.Value), f.Text ?? "", N(f.Compared), N(f.Delta), N(f.DeltaPercent),
                FigureComparison.Describe(f.Verdict), N(f.PValue), f.Method.Source, f.Method.Estimator, f.Method.ResolutionMs.ToString(CultureInfo.InvariantCulture),
                f.Method.Samples.ToString(CultureInfo.InvariantCulture),
            ];
            csv.Append(string.Join(',', cells.Select(Quote))).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string N(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
