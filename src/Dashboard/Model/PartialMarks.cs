using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>
/// Which figures came from a poll whose answers carried warnings (a distributed engine's partial response).
/// The collector writes <see cref="CanonicalSeries.SourcePartial"/> at such a poll's timestamp, and every sample
/// of that poll has the same timestamp and the source's label, so a figure is partial when its source's newest
/// mark is at its timestamp: no flag per sample, no change to the sample tables.
/// </summary>
public sealed class PartialMarks
{
    private readonly IReadOnlyDictionary<string, (long At, double Warnings)> _newest;

    private PartialMarks(IReadOnlyDictionary<string, (long, double)> newest) => _newest = newest;

    public static async Task<PartialMarks> LoadAsync(SeriesReader reader, CancellationToken ct)
    {
        var marks = await reader.LatestAsync(new SeriesSelector(CanonicalSeries.SourcePartial), ct);
        return new PartialMarks(marks.Where(m => m.Key["source"] is not null)
            .GroupBy(m => m.Key["source"]!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(m => m.Sample.TimestampMs).Select(m => (m.Sample.TimestampMs, m.Sample.Value)).First(), StringComparer.Ordinal));
    }

    public bool IsPartial(string? source, long? timestampMs) =>
        source is not null && timestampMs is { } t && _newest.TryGetValue(source, out var mark) && mark.At == t;

    /// <summary>The tile, marked partial when its figure is from <paramref name="source"/>'s newest poll with warnings.</summary>
    public MetricTile Mark(MetricTile tile, string? source) =>
        IsPartial(source, tile.TimestampMs) ? tile with { Partial = true } : tile;

    public IEnumerable<MetricTile> Mark(IEnumerable<MetricTile> tiles, string? source) => tiles.Select(t => Mark(t, source));
}
