namespace X0tta6bl4.Ops.Dashboard.Reports.Exports;

/// <summary>The rows every export writes the same way: the figure table and the methodology appendix.</summary>
public static class ReportText
{
    public static readonly IReadOnlyList<string> FigureColumns = ["Figure", "Value", "Compared", "Δ", "Δ %", "Verdict"];

    public static IReadOnlyList<string> FigureRow(Figure f) =>
        [f.Label, ReportFormat.Shown(f), ReportFormat.Compared(f), ReportFormat.Delta(f), ReportFormat.DeltaPercent(f),
            FigureComparison.Describe(f.Verdict) + (f.PValue is { } p ? $" (p = {p:0.####})" : "")];

    public static readonly IReadOnlyList<string> MethodColumns = ["§", "Figure", "Source", "Estimator", "Resolution", "Samples"];

    public static IEnumerable<IReadOnlyList<string>> MethodRows(ReportModel model) =>
        model.AllFigures.Select(x => (IReadOnlyList<string>)[x.Section.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{x.Figure.Label} ({x.Figure.Id})",
            x.Figure.Method.Source, x.Figure.Method.Estimator, x.Figure.Method.ResolutionMs > 0 ? ReportFormat.Value("duration", x.Figure.Method.ResolutionMs / 1000.0) : "—",
            ReportFormat.Count(x.Figure.Method.Samples)]);

    public static IEnumerable<string> Header(ReportModel model)
    {
        yield return $"Service: {model.Job ?? "no job with data"}{(model.Source is null ? "" : $" (read from {model.Source})")}";
        yield return $"Window: {model.Window.Label} (resolution {ReportFormat.Value("duration", model.Window.StepMs / 1000.0)})";
        yield return $"Compared with: {model.ComparedWith}";
        yield return $"Generated: {model.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC from measured data; \"not measured\" means the store holds no data for the figure.";
    }

    public static IEnumerable<string> MethodNotes(ReportOptions options)
    {
        yield return "Comparison: " + FigureComparison.Rule;
        yield return "Bottleneck rules: " + string.Join("; ", Findings.BottleneckRules.Describe(options)) + ".";
        yield return "Conclusion: " + Findings.Conclusion.Rule;
    }
}
