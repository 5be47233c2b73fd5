using System.Globalization;
using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Reports;

/// <summary>The number formats every report shares, so text, Markdown and HTML say the same figure the same way.</summary>
internal static class Format
{
    public static string Ms(double ms) => ms.ToString(ms < 10 ? "0.###" : "0.#", CultureInfo.InvariantCulture) + " ms";

    public static string Percentiles(LatencyPercentiles p) =>
        $"p50 {Ms(p.P50Ms)}  p95 {Ms(p.P95Ms)}  p99 {Ms(p.P99Ms)}  p99.9 {Ms(p.P999Ms)}  max {Ms(p.MaxMs)}";

    public static string Measured(ThresholdResult t) => t.Measured switch
    {
        null => "nothing",
        { } v when t.Expression.TrimStart().StartsWith("rate", StringComparison.Ordinal) => v.ToString("0.#####", CultureInfo.InvariantCulture),
        { } v => Ms(v),
    };

    public static string Status(RunStatus status) => status switch
    {
        RunStatus.Completed => "completed",
        RunStatus.Stopped => "stopped",
        RunStatus.AbortedByThreshold => "aborted-by-threshold",
        _ => "failed",
    };
}
