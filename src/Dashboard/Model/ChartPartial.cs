using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>A stretch of a chart's x axis to shade: from half a step before its first marked point to half a step after its last.</summary>
public sealed record PartialSpan(DateTime From, DateTime To);

/// <summary>
/// A chart whose points include polls of <paramref name="Source"/> whose answers carried warnings (a distributed
/// engine's partial response): how many of its points, and the spans to shade. Null on a chart with none.
/// </summary>
public sealed record ChartPartial(string Source, int Points, IReadOnlyList<PartialSpan> Spans)
{
    public string Text => $"partial data from {Source} at {Points} point{(Points == 1 ? "" : "s")}";
}

/// <summary>
/// The steps of a page's range in which a source had a poll with warnings: one range read of its
/// <see cref="CanonicalSeries.SourcePartial"/> series (counted per step, so the rollup tiers answer long ranges), then
/// matched against each chart in memory. A chart step aggregates the polls in it, so a step is partial when any of its
/// polls was — the safe side, as for the tiles (<see cref="PartialMarks"/>). A marked step where the chart has no value
/// stays a gap: missing data is shown as missing, never as partial.
/// </summary>
public sealed class PartialSteps
{
    public static readonly PartialSteps None = new(null, new HashSet<DateTime>(), 0);

    private readonly string? _source;
    private readonly HashSet<DateTime> _marked;
    private readonly long _stepMs;

    private PartialSteps(string? source, HashSet<DateTime> marked, long stepMs) => (_source, _marked, _stepMs) = (source, marked, stepMs);

    public static async Task<PartialSteps> LoadAsync(SeriesReader reader, string? source, TimeRange range, CancellationToken ct)
    {
        if (source is null)
        {
            return None;
        }

        var lines = await reader.LinesAsync(SeriesSelector.Where(CanonicalSeries.SourcePartial, ("source", source)), range, _ => source,
            aggregation: Aggregation.Count, ct: ct);
        var marked = lines.SelectMany(l => l.X.Where((_, i) => l.Y[i] is > 0)).ToHashSet();
        return marked.Count == 0 ? None : new PartialSteps(source, marked, range.StepMs);
    }

    /// <summary>The chart's points (x values where a solid line has a value) that are in a marked step; dashed lines (a week ago, a limit) are not this range's polls.</summary>
    public ChartPartial? For(IReadOnlyList<ChartLine> lines)
    {
        if (_source is null)
        {
            return null;
        }

        var points = lines.Where(l => !l.Dashed)
            .SelectMany(l => l.X.Where((x, i) => l.Y[i] is not null && _marked.Contains(x)))
            .Distinct().Order().ToList();
        if (points.Count == 0)
        {
            return null;
        }

        // Neighbouring steps become one span, so a long partial stretch is one shape, not one per point.
        var half = TimeSpan.FromMilliseconds(_stepMs / 2.0);
        var step = TimeSpan.FromMilliseconds(_stepMs);
        var spans = new List<PartialSpan>();
        var (first, last) = (points[0], points[0]);
        foreach (var x in points.Skip(1))
        {
            if (x - last > step)
            {
                spans.Add(new PartialSpan(first - half, last + half));
                first = x;
            }

            last = x;
        }

        spans.Add(new PartialSpan(first - half, last + half));
        return new ChartPartial(_source, points.Count, spans);
    }
}
