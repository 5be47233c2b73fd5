using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>
/// What every section reads through for one window: the window reader, the job and its source, and figure
/// factories that state each figure's source, estimator and sample count the same way.
/// </summary>
public sealed class ReportContext(WindowReader reader, string? job, string? source)
{
    public WindowReader Reader => reader;

    public ReportWindow Window => reader.Window;

    public string? Job => job;

    public string? Source => source;

    public string SourceLabel => X0tta6bl4.Ops.Dashboard.Model.SourceKinds.Describe(source);

    /// <summary>A selector for the job's series from its chosen source.</summary>
    public SeriesSelector JobSeries(string name, params (string, string)[] labels) =>
        SeriesSelector.Where(name, [.. labels, ("job", job ?? ""), ("source", source ?? "")]);

    public static SeriesSelector Series(string name, params (string, string)[] labels) => SeriesSelector.Where(name, labels);

    public Method MethodOf(string series, string estimator, long samples) =>
        new(series, estimator, samples, Window.StepMs);

    /// <summary>The mean of the per-step values over the window.</summary>
    public static Figure Mean(string id, string label, string unit, WindowStat stat, Better better, Method method) =>
        new Figure(id, label, unit, stat.Mean, method) { Better = better, Steps = stat.Steps };

    /// <summary>The highest stored value; its steps are the per-step values for the noise test.</summary>
    public static Figure Max(string id, string label, string unit, WindowStat stat, Better better, Method method) =>
        new Figure(id, label, unit, stat.Max, method) { Better = better, Steps = stat.Steps };

    public static Figure Last(string id, string label, string unit, WindowStat stat, Better better, Method method) =>
        new Figure(id, label, unit, stat.Last?.Value, method) { Better = better };

    public static Figure NotMeasured(string id, string label, string unit, string why) =>
        new(id, label, unit, null, new Method("—", why, 0, 0));

    /// <summary>The growth per day between the first and the last step with data; null with less than an hour between them.</summary>
    public static double? PerDay(WindowStat stat) =>
        stat.First is { } first && stat.Last is { } last && last.AtMs - first.AtMs >= 3_600_000
            ? (last.Value - first.Value) / ((last.AtMs - first.AtMs) / 86_400_000.0)
            : null;

    public double StepSeconds => Window.StepMs / 1000.0;

    /// <summary>The start of every step of the window.</summary>
    public IReadOnlyList<long> Grid { get; } = reader.Window.StepStarts;
}
