using System.Globalization;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>
/// The time range a page shows, as it is written in the URL: a preset ("15m", "1h", "6h", "24h", "7d",
/// "30d") ending now, or a custom "from" and "to" (ISO 8601, UTC).
/// </summary>
public sealed record TimeRange(string Key, DateTimeOffset From, DateTimeOffset To)
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

    /// <summary>Steps of at least 30 s (two default scrapes, so jitter never makes a false gap), at most ~240 points.</summary>
    public long StepMs => Math.Max(30_000, (long)Length.TotalMilliseconds / 240 / 1000 * 1000);

    /// <summary>Reads the URL's range; anything unreadable falls back to the default and says why.</summary>
    public static TimeRange Parse(string? key, string? from, string? to, DateTimeOffset now, out string? problem)
    {
        problem = null;
        if (key == "custom" || (key is null && (from is not null || to is not null)))
        {
            if (TryParseTime(from, out var f) && TryParseTime(to, out var t) && f < t && t - f <= TimeSpan.FromDays(400))
            {
                return new TimeRange("custom", f, t);
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

    public static TimeRange Preset(string key, DateTimeOffset now) =>
        new(key, now - Presets.First(p => p.Key == key).Length, now);

    /// <summary>The same range a week earlier, for the week-over-week overlay.</summary>
    public TimeRange WeekEarlier() => this with { From = From.AddDays(-7), To = To.AddDays(-7) };

    private static bool TryParseTime(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
}
