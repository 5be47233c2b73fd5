using System.Globalization;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>
/// The time range a page shows, as it is written in the URL: a preset ("15m", "1h", "6h", "24h", "7d",
/// "30d") ending now, or a custom "from" and "to" (ISO 8601, UTC).
/// </summary>
/// <param name="StepMs">The smallest readable step giving at most ~240 points over the requested length, and at least 30 s (two default scrapes, so jitter never makes a false gap).</param>
public sealed record TimeRange(string Key, DateTimeOffset From, DateTimeOffset To, long StepMs)
{
    public static readonly IReadOnlyList<(string Key, string Label, TimeSpan Length)> Presets =
    [
        ("15m", "Last 15 minutes", TimeSpan.FromMinutes(15)),
        ("1h", "Last hour", TimeSpan.FromHours(1)),
        ("6h", "Last 6 hours", TimeSpan.FromHours(6)),
        ("24h", "Last 24 hours", TimeSpan.FromHours(24)),
        ("7d", "Last 7 days", TimeSpan.FromDays(7)),
        ("30d", "Last 30 days", TimeSpan.FromDays(30)),
    ];

    public const string DefaultKey = "15m";

    public TimeSpan Length => To - From;

    public long FromMs => From.ToUnixTimeMilliseconds();

    public long ToMs => To.ToUnixTimeMilliseconds();

    public bool IsCustom => Key == "custom";

    public string Label => IsCustom
        ? $"{From.UtcDateTime:yyyy-MM-dd HH:mm} – {To.UtcDateTime:yyyy-MM-dd HH:mm} UTC"
        : Presets.First(p => p.Key == Key).Label;

    /// <summary>Steps a person can read, and that whole rollup buckets fill (so the store answers from its tiers).</summary>
    private static readonly long[] NiceSteps =
    [
        30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
    ];

    public static long StepFor(TimeSpan length)
    {
        var wanted = (long)length.TotalMilliseconds / 240;
        return NiceSteps.FirstOrDefault(s => s >= wanted, NiceSteps[^1]);
    }

    /// <summary>Reads the URL's range; anything unreadable falls back to the default and says why.</summary>
    public static TimeRange Parse(string? key, string? from, string? to, DateTimeOffset now, out string? problem)
    {
        problem = null;
        if (key == "custom" || (key is null && (from is not null || to is not null)))
        {
            if (TryParseTime(from, out var f) && TryParseTime(to, out var t) && f < t && t - f <= TimeSpan.FromDays(400))
            {
                return Aligned("custom", f, t);
            }

            problem = "The custom range needs 'from' before 'to' (ISO 8601, at most 400 days apart); showing the last 15 minutes.";
            return Preset(DefaultKey, now);
        }

        if (key is null || Presets.Any(p => p.Key == key))
        {
            return Preset(key ?? DefaultKey, now);
        }

        problem = $"Unknown range '{key}'; showing the last 15 minutes.";
        return Preset(DefaultKey, now);
    }

    /// <summary>A range with a chosen step, widened to whole steps (so the rollup tiers can answer it).</summary>
    public static TimeRange Covering(DateTimeOffset from, DateTimeOffset to, long stepMs)
    {
        var start = from.ToUnixTimeMilliseconds() / stepMs * stepMs;
        var end = (to.ToUnixTimeMilliseconds() / stepMs + 1) * stepMs - 1;
        return new TimeRange("custom", DateTimeOffset.FromUnixTimeMilliseconds(start), DateTimeOffset.FromUnixTimeMilliseconds(end), stepMs);
    }

    /// <summary>The preset ending in the step that holds <paramref name="now"/>, its ends on step boundaries.</summary>
    public static TimeRange Preset(string key, DateTimeOffset now) =>
        Aligned(key, now - Presets.First(p => p.Key == key).Length, now);

    /// <summary>
    /// Starts on a step boundary and ends just before one, so each step is whole: charts get the same
    /// points on every refresh, and the store can answer from its rollup tiers.
    /// </summary>
    private static TimeRange Aligned(string key, DateTimeOffset from, DateTimeOffset to)
    {
        var step = StepFor(to - from);
        var start = Math.DivRem(from.ToUnixTimeMilliseconds(), step, out _) * step;
        var end = (to.ToUnixTimeMilliseconds() / step + 1) * step - 1;
        return new TimeRange(key, DateTimeOffset.FromUnixTimeMilliseconds(start), DateTimeOffset.FromUnixTimeMilliseconds(end), step);
    }

    /// <summary>The same range a week earlier, for the week-over-week overlay.</summary>
    public TimeRange WeekEarlier() => this with { From = From.AddDays(-7), To = To.AddDays(-7) };

    private static bool TryParseTime(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
