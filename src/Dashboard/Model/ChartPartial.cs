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
/// The steps of a page's range in which a source had a poll with warnings: one range read of
/// <see cref="CanonicalSeries.SourcePartial"/> for every source (counted per step, so the rollup tiers answer long
/// ranges), then matched against each chart in memory. A chart step aggregates the polls in it, so a step is partial
/// when any of its polls was — the safe side, as for the tiles (<see cref="PartialMarks"/>). A marked step where the
/// chart has no value stays a gap: missing data is shown as missing, never as partial.
/// </summary>
public sealed class PartialSteps
{
    private readonly IReadOnlyDictionary<string, HashSet<DateTime>> _marked;
    private readonly long _stepMs;

    private PartialSteps(IReadOnlyDictionary<string, HashSet<DateTime>> marked, long stepMs) => (_marked, _stepMs) = (marked, stepMs);

    public static async Task<PartialSteps> LoadAsync(SeriesReader reader, TimeRange range, CancellationToken ct)
    {
        var lines = await reader.LinesAsync(new SeriesSelector(CanonicalSeries.SourcePartial), range, k => k["source"] ?? "",
            aggregation: Aggregation.Count, ct: ct);
        var marked = lines.Where(l => l.Name.Length > 0)
            .GroupBy(l => l.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(l => l.X.Where((_, i) => l.Y[i] is > 0)).ToHashSet(), StringComparer.Ordinal);
        return new PartialSteps(marked, range.StepMs);
    }

    /// <summary>The chart's points that are in a marked step of <paramref name="source"/>, the source its lines come from.</summary>
    public ChartPartial? For(string? source, IReadOnlyList<ChartLine> lines) => For([(source, lines)]);

    /// <summary>
    /// The same for a chart whose lines come from several sources (a job each): the points (x values where a solid line
    /// has a value) in a marked step of their own source. Dashed lines (a week ago, a limit) are not this range's polls.
    /// </summary>
    public ChartPartial? For(IEnumerable<(string? Source, IReadOnlyList<ChartLine> Lines)> parts)
    {
        var sources = new List<string>();
        var points = new SortedSet<DateTime>();
        foreach (var (source, lines) in parts)
        {
            if (source is null || !_marked.TryGetValue(source, out var marked))
            {
                continue;
            }

            var found = lines.Where(l => !l.Dashed).SelectMany(l => l.X.Where((x, i) => l.Y[i] is not null && marked.Contains(x))).ToList();
            if (found.Count > 0)
            {
                points.UnionWith(found);
                if (!sources.Contains(source))
                {
                    sources.Add(source);
                }
            }
        }

        return points.Count == 0 ? null : new ChartPartial(string.Join(", ", sources), points.Count, Spans(points.ToList()));
    }

    /// <summary>Neighbouring steps become one span, so a long partial stretch is one shape, not one per point.</summary>
    private IReadOnlyList<PartialSpan> Spans(IReadOnlyList<DateTime> points)
    {
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
        return spans;
    }
}
