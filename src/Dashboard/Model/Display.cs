using System.Globalization;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>How figures are written for people: invariant culture, units always shown.</summary>
public static class Display
{
    public static string Milliseconds(double seconds) =>
        (seconds * 1000).ToString(seconds * 1000 >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " ms";

    public static string PerSecond(double value) =>
        value.ToString(value >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture) + " req/s";

    public static string Percent(double ratio) => (ratio * 100).ToString("0.00", CultureInfo.InvariantCulture) + " %";

    /// <summary>A share, or "—" when there is nothing to share (no alert fired): missing is not 0 %.</summary>
    public static string Percent(double? ratio) => ratio is { } r ? (r * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "—";

    /// <summary>"12 s / 4.5 min": a median and a p90 in one cell, "—" without data.</summary>
    public static string Pair(double? first, double? second, Func<double, string> format) =>
        first is { } a ? $"{format(a)} / {(second is { } b ? format(b) : "—")}" : "—";

    public static string Millicores(double value) => value.ToString("0", CultureInfo.InvariantCulture) + " m";

    public static string Bytes(double value) =>
        value >= 1 << 30
            ? (value / (1 << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB"
            : (value / (1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    /// <summary>"0 B/s", "512 B/s", "2.0 KiB/s", "3.0 MiB/s", "1.20 GiB/s": disk and network rates span all of these.</summary>
    public static string BytesPerSecond(double value) =>
        value >= 1 << 30 ? (value / (1 << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB/s"
        : value >= 1 << 20 ? (value / (1 << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB/s"
        : value >= 1 << 10 ? (value / (1 << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB/s"
        : value.ToString("0", CultureInfo.InvariantCulture) + " B/s";

    /// <summary>"0.4 s", "42 s", "3.5 min", "2.0 h".</summary>
    public static string Duration(double seconds) =>
        seconds < 10 ? seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : seconds < 120 ? seconds.ToString("0", CultureInfo.InvariantCulture) + " s"
        : seconds < 7200 ? (seconds / 60).ToString("0.0", CultureInfo.InvariantCulture) + " min"
        : (seconds / 3600).ToString("0.0", CultureInfo.InvariantCulture) + " h";

    /// <summary>"just now", "12 s ago", "3 min ago", "2 h ago".</summary>
    public static string Ago(DateTimeOffset now, DateTimeOffset then)
    {
        var age = now - then;
        if (age < TimeSpan.FromSeconds(1))
        {
            return "just now";
        }

        if (age < TimeSpan.FromMinutes(2))
        {
            return $"{(int)age.TotalSeconds} s ago";
        }

        return age < TimeSpan.FromHours(2) ? $"{(int)age.TotalMinutes} min ago" : $"{(int)age.TotalHours} h ago";
    }
}
