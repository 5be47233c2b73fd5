using System.Globalization;
using System.Text.Json.Serialization;
using X0tta6bl4.Ops.Dashboard.Model;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>What the report is compared with.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompareWith>))]
public enum CompareWith
{
    /// <summary>The window of the same length just before.</summary>
    [JsonStringEnumMemberName(CompareModes.PreviousKey)]
    Previous,

    /// <summary>The window an operator pinned as the baseline.</summary>
    [JsonStringEnumMemberName(CompareModes.BaselineKey)]
    Baseline,

    /// <summary>A load-test run's own figures (latency, throughput, errors).</summary>
    [JsonStringEnumMemberName(CompareModes.LoadKey)]
    LoadRun,

    [JsonStringEnumMemberName(CompareModes.NoneKey)]
    None,
}

/// <summary>The comparisons as a link and the page's choice spell them: one list, its key and its words.</summary>
public static class CompareModes
{
    public static readonly IReadOnlyList<(CompareWith Mode, string Key, string Label)> All =
    [
        (CompareWith.Previous, PreviousKey, "The previous window"),
        (CompareWith.Baseline, BaselineKey, "The pinned baseline"),
        (CompareWith.LoadRun, LoadKey, "A load-test run"),
        (CompareWith.None, NoneKey, "Nothing"),
    ];

    public const string PreviousKey = "previous";
    public const string BaselineKey = "baseline";
    public const string LoadKey = "load";
    public const string NoneKey = "none";

    public static string KeyOf(CompareWith mode) => All.First(m => m.Mode == mode).Key;

    /// <summary>The mode a link names; absent is the previous window; null for a name that is none.</summary>
    public static CompareWith? Parse(string? key) =>
        string.IsNullOrEmpty(key) ? CompareWith.Previous : All.Where(m => m.Key == key).Select(m => (CompareWith?)m.Mode).FirstOrDefault();
}

/// <summary>
/// A report as its link states it: the job, the window (a preset ending now, or a custom from/to) and the
/// comparison. The same request gives the same report, so the link can be shared.
/// </summary>
public sealed record ReportRequest(string? Job, string WindowKey, string? From, string? To, CompareWith Compare, long? RunId)
{
    public static readonly IReadOnlyList<(string Key, string Label)> Windows =
    [
        ("24h", "Last 24 hours"), ("7d", "Last 7 days"), ("30d", "Last 30 days"), ("custom", "Custom"),
    ];

    public const string DefaultWindow = "24h";

    public static ReportRequest Default => new(null, DefaultWindow, null, null, CompareWith.Previous, null);

    /// <summary>Reads the link's values; anything unreadable is replaced by the default and explained in <paramref name="problems"/>.</summary>
    public static ReportRequest Parse(string? job, string? window, string? from, string? to, string? compare, string? run, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        window ??= from is not null || to is not null ? "custom" : DefaultWindow;
        if (Windows.All(w => w.Key != window))
        {
            found.Add($"Unknown window '{window}'; showing the last 24 hours.");
            window = DefaultWindow;
        }

        var comparison = CompareModes.Parse(compare);
        if (comparison is null)
        {
            found.Add($"Unknown comparison '{compare}'; comparing with the previous window.");
        }

        long? runId = null;
        if (!string.IsNullOrEmpty(run))
        {
            if (long.TryParse(run, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                runId = id;
            }
            else
            {
                found.Add($"'{run}' is not a load-run id; using the newest finished run.");
            }
        }

        problems = found;
        return new ReportRequest(string.IsNullOrWhiteSpace(job) ? null : job, window, window == "custom" ? from : null, window == "custom" ? to : null,
            comparison ?? CompareWith.Previous, comparison == CompareWith.LoadRun ? runId : null);
    }

    /// <summary>The window this request names as of <paramref name="now"/>, on whole steps; a bad custom range is a problem, not a guess.</summary>
    public ReportWindow Resolve(DateTimeOffset now, out string? problem)
    {
        var range = TimeRange.Parse(WindowKey == "custom" ? "custom" : WindowKey, From, To, now, out problem);
        if (problem is not null)
        {
            // TimeRange falls back to 15 minutes; a report falls back to its own default.
            range = TimeRange.Preset(DefaultWindow, now);
            problem = "The custom window needs 'from' before 'to' (ISO 8601 UTC, at most 400 days apart); showing the last 24 hours.";
        }

        // A custom window that ends on a step boundary ends there: "to 00:00" does not take in the step after midnight.
        var to = range.To;
        if (range.IsCustom && DateTimeOffset.TryParse(To, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var end)
            && end.ToUnixTimeMilliseconds() % range.StepMs == 0 && end > range.From)
        {
            to = end.AddMilliseconds(-1);
        }

        return new ReportWindow(range.From, to, range.StepMs);
    }

    /// <summary>The query string of the page and the exports.</summary>
    public string ToQuery()
    {
        var parts = new List<string> { "window=" + Uri.EscapeDataString(WindowKey) };
        if (WindowKey == "custom")
        {
            parts.Add("from=" + Uri.EscapeDataString(From ?? ""));
            parts.Add("to=" + Uri.EscapeDataString(To ?? ""));
        }

        parts.Add("compare=" + CompareModes.KeyOf(Compare));
        if (RunId is { } run)
        {
            parts.Add("run=" + run.ToString(CultureInfo.InvariantCulture));
        }

        if (Job is not null)
        {
            parts.Add("job=" + Uri.EscapeDataString(Job));
        }

        return string.Join("&", parts);
    }
}
