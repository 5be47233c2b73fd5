using System.Text.Json.Serialization;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>Which way a figure is better, so a change can be called better or worse.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Better>))]
public enum Better
{
    Neither,
    Lower,
    Higher,
}

/// <summary>What the comparison of a figure with its counterpart came to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    /// <summary>No data for the figure in the report's window.</summary>
    NotMeasured,

    /// <summary>Nothing to compare with (no data in the comparison, or no comparison asked for).</summary>
    NoComparison,

    /// <summary>A difference within the noise of the per-step readings (see <see cref="FigureComparison"/>).</summary>
    NoRealChange,
    Better,
    Worse,

    /// <summary>A real change of a figure that is neither better nor worse when it moves (traffic, sizes).</summary>
    Changed,
}

/// <summary>How a figure was obtained, for the report's methodology appendix.</summary>
/// <param name="Source">Where the data came from (a canonical series and its source label).</param>
/// <param name="Estimator">The arithmetic applied to it.</param>
/// <param name="Samples">Stored samples the figure rests on.</param>
/// <param name="ResolutionMs">The step the store was read at.</param>
public sealed record Method(string Source, string Estimator, long Samples, long ResolutionMs);

/// <summary>
/// One figure of the report in its base unit (seconds, bytes, ratio, per second …), with the same figure of the
/// comparison and the verdict on the difference. A figure with no value is "not measured", never 0.
/// </summary>
public sealed record Figure(string Id, string Label, string Unit, double? Value, Method Method)
{
    /// <summary>For figures that are words (a policy, a state) rather than numbers.</summary>
    public string? Text { get; init; }

    public Better Better { get; init; }

    public double? Compared { get; init; }

    public Verdict Verdict { get; init; } = Verdict.NoComparison;

    /// <summary>The two-sided Mann-Whitney p-value of the per-step readings, when the verdict rests on one.</summary>
    public double? PValue { get; init; }

    /// <summary>Per-step readings in the window, kept for the noise test and left out of exports.</summary>
    [JsonIgnore]
    public IReadOnlyList<double> Steps { get; init; } = [];

    [JsonIgnore]
    public bool Measured => Value is not null || Text is not null;

    public double? Delta => Value is { } v && Compared is { } c ? v - c : null;

    public double? DeltaPercent => Value is { } v && Compared is { } c && c != 0 ? (v - c) / Math.Abs(c) * 100 : null;
}

/// <summary>A table of words (per-endpoint figures, outages, findings …); its cells are already formatted.</summary>
public sealed record ReportTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    /// <summary>What to say when the table has no rows.</summary>
    public string Empty { get; init; } = "not measured";
}

/// <summary>A point of a chart drawn in the exports (one value per step, null for a gap).</summary>
public sealed record ReportChart(string Title, string Unit, IReadOnlyList<long> StepStartsMs, IReadOnlyList<ReportChartLine> Lines);

public sealed record ReportChartLine(string Name, IReadOnlyList<double?> Values);

public sealed record ReportSection(string Id, string Title, IReadOnlyList<Figure> Figures, IReadOnlyList<ReportTable> Tables)
{
    /// <summary>Its place in <see cref="ReportOutline"/>: §1 API … §11 Conclusion.</summary>
    public int Number => ReportOutline.NumberOf(Id);

    public IReadOnlyList<string> Notes { get; init; } = [];

    public IReadOnlyList<ReportChart> Charts { get; init; } = [];

    /// <summary>The figure of that id in any of the sections, or null.</summary>
    public static Figure? Find(IEnumerable<ReportSection> sections, string id) => sections.SelectMany(s => s.Figures).FirstOrDefault(f => f.Id == id);
}

/// <summary>A bottleneck rule that fired, with the figure that made it fire.</summary>
public sealed record Finding(string RuleId, string Severity, string Title, string FigureId, string Evidence, string Threshold);

/// <summary>What to do about a finding; always cites the finding's evidence.</summary>
public sealed record Recommendation(string RuleId, string Text, string Evidence);

/// <summary>The grade and readiness, derived by <see cref="Findings.Conclusion"/>'s stated rules.</summary>
public sealed record ConclusionResult(string Grade, double? ReadinessPercent, IReadOnlyList<string> Reasons, string Rule);

public sealed record ReportWindow(DateTimeOffset From, DateTimeOffset To, long StepMs)
{
    public long FromMs => From.ToUnixTimeMilliseconds();

    public long ToMs => To.ToUnixTimeMilliseconds();

    public TimeSpan Length => To - From;

    /// <summary>The start of every step of the window.</summary>
    [JsonIgnore]
    public IReadOnlyList<long> StepStarts => Enumerable.Range(0, (int)((ToMs - FromMs) / StepMs) + 1).Select(i => FromMs + i * StepMs).ToList();

    public string Label => $"{From.UtcDateTime:yyyy-MM-dd HH:mm} – {To.AddMilliseconds(1).UtcDateTime:yyyy-MM-dd HH:mm} UTC";
}

/// <summary>The whole report: every section from data, the findings, recommendations and conclusion.</summary>
public sealed record ReportModel(
    ReportRequest Request,
    string? Job,
    string? Source,
    ReportWindow Window,
    string ComparedWith,
    ReportWindow? ComparedWindow,
    DateTimeOffset GeneratedAt,
    IReadOnlyList<ReportSection> Sections,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<Recommendation> Recommendations,
    ConclusionResult Conclusion)
{
    public const string Title = "Performance Baseline Report";

    /// <summary>Every figure of every section, in order.</summary>
    [JsonIgnore]
    public IEnumerable<(ReportSection Section, Figure Figure)> AllFigures =>
        Sections.SelectMany(s => s.Figures.Select(f => (s, f)));

    public Figure? FigureById(string id) => ReportSection.Find(Sections, id);
}
