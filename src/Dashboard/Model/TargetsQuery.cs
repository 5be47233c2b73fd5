using X0tta6bl4.Ops.Collector.Catalog;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Model;

public sealed record TargetsModel(
    PrometheusBoard.Snapshot? Targets,
    IReadOnlyList<SourceStatus> Sources,
    IReadOnlyList<MetricTile> Tiles,
    IReadOnlyList<ChartLine> Series,
    IReadOnlyList<ChartLine> Ingest,
    IReadOnlyList<ChartLine> ScrapeDurations);

/// <summary>The Targets page: Prometheus's scrape targets with their last errors, its load, and the collector's own sources.</summary>
public sealed class TargetsQuery(SeriesReader reader, PrometheusBoard targets, SourceStatusBoard sources)
{
    public async Task<TargetsModel> LoadAsync(TimeRange range, CancellationToken ct = default)
    {
        var now = reader.Now;
        var series = await reader.LatestOneAsync(new SeriesSelector(CanonicalSeries.PrometheusSeries), ct);
        var ingest = await reader.LatestOneAsync(new SeriesSelector(CanonicalSeries.PrometheusIngestPerSecond), ct);
        var snapshot = targets.Latest;
        var down = snapshot?.Targets.Count(t => t.Health != "up");
        var tiles = new List<MetricTile>
        {
            Tiles.Make("targets-down", "Targets down", down, snapshot?.ReadAt.ToUnixTimeMilliseconds(), now, v => $"{v:0} of {snapshot!.Targets.Count}", v => v == 0, "0",
                "Prometheus's active targets whose health is not up (/api/v1/targets)."),
            Tiles.Make("series", "Prometheus series", series?.Sample.Value, series?.Sample.TimestampMs, now, v => v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), null, "—",
                "prometheus_tsdb_head_series."),
            Tiles.Make("ingest", "Ingest rate", ingest?.Sample.Value, ingest?.Sample.TimestampMs, now, v => $"{v:0.0} samples/s", null, "—",
                "rate(prometheus_tsdb_head_samples_appended_total) over the collector window."),
            Tiles.Make("sources-down", "Collector sources down", sources.All.Count(s => s.State == SourceState.Down), now.ToUnixTimeMilliseconds(), now,
                v => $"{v:0} of {sources.All.Count}", v => v == 0, "0", "The collector's own sources whose last poll failed."),
        };

        return new TargetsModel(snapshot, sources.All, tiles,
            await reader.LinesAsync(new SeriesSelector(CanonicalSeries.PrometheusSeries), range, k => k["instance"] ?? "prometheus", ct: ct),
            await reader.LinesAsync(new SeriesSelector(CanonicalSeries.PrometheusIngestPerSecond), range, k => k["instance"] ?? "prometheus", ct: ct),
            await reader.LinesAsync(new SeriesSelector(CanonicalSeries.TargetScrapeSeconds), range, k => $"{k["job"]} {k["instance"]}", v => v * 1000, ct: ct));
    }
}
