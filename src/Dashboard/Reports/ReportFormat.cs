using System.Globalization;
using X0tta6bl4.Ops.Dashboard.Model;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>How the report writes a figure of each unit; a missing value is always "not measured".</summary>
public static class ReportFormat
{
    public const string NotMeasured = "not measured";

    public static string Value(string unit, double? value)
    {
        if (value is not { } v || double.IsNaN(v))
        {
            return NotMeasured;
        }

        return unit switch
        {
            "s" => Display.Milliseconds(v),
            "ms" => v.ToString(v >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " ms",
            "ratio" => (v * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %",
            "percent" => v.ToString("0.000", CultureInfo.InvariantCulture) + " %",
            "req/s" => Display.PerSecond(v),
            "ops/s" => v.ToString(v >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture) + " ops/s",
            "/s" => v.ToString(v >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture) + " /s",
            "B" => Bytes(v),
            "B/s" => Bytes(v) + "/s",
            "B/day" => (v < 0 ? "−" : "") + Bytes(Math.Abs(v)) + "/day",
            "MiB" => v.ToString("0", CultureInfo.InvariantCulture) + " MiB",
            "m" => Display.Millicores(v),
            "n/day" => v.ToString("0", CultureInfo.InvariantCulture) + " /day",
            "duration" => Display.Duration(v),
            _ => Count(v),
        };
    }

    public static string Count(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15 ? value.ToString("#,0", CultureInfo.InvariantCulture) : value.ToString("#,0.##", CultureInfo.InvariantCulture);

    public static string Bytes(double value) =>
        value >= 1 << 30 ? (value / (1 << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB"
        : value >= 1 << 20 ? (value / (1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB"
        : value >= 1 << 10 ? (value / (1 << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB"
        : value.ToString("0", CultureInfo.InvariantCulture) + " B";

    /// <summary>A figure's value as shown: its words, its number, or "not measured".</summary>
    public static string Shown(Figure figure) => figure.Text ?? Value(figure.Unit, figure.Value);

    public static string Delta(Figure figure) => figure.Delta is { } d
        ? (d > 0 ? "+" : d < 0 ? "−" : "") + Value(figure.Unit is "B/day" ? "B" : figure.Unit, Math.Abs(d))
        : "—";

    public static string DeltaPercent(Figure figure) => figure.DeltaPercent is { } p
        ? (p > 0 ? "+" : p < 0 ? "−" : "") + Math.Abs(p).ToString("0.0", CultureInfo.InvariantCulture) + " %"
        : "—";

    public static string Compared(Figure figure) => figure.Compared is { } c ? Value(figure.Unit, c) : "—";
}
