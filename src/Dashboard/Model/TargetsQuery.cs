using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Model;

public sealed record TargetsModel(
    PrometheusTargets? Targets,
    IReadOnlyList<SourceStatus> Sources,
    IReadOnlyList<MetricTile> Tiles,
    IReadOnlyList<ChartLine> Series,
    IReadOnlyList<ChartLine> Ingest,
    IReadOnlyList<ChartLine> ScrapeDurations)
{
    /// <summary>The collector instances heard from in the last hour, with the leases each holds.</summary>
    public IReadOnlyList<CollectorInstance> Collectors { get; init; } = [];

    /// <summary>Each Prometheus chart's points from polls with warnings, if any (<see cref="PartialSteps"/>).</summary>
    public ChartPartial? SeriesPartial { get; init; }

    public ChartPartial? IngestPartial { get; init; }

    public ChartPartial? ScrapeDurationsPartial { get; init; }
}

/// <summary>
/// The Targets page: Prometheus's scrape targets with their last errors, its load, the collector's sources
/// and the collector instances — all from the store, as the collectors last wrote them.
/// </summary>
public sealed class TargetsQuery(SeriesReader reader, SqlCollectorStateStore state)
{
    public async Task<TargetsModel> LoadAsync(TimeRange range, CancellationToken ct = default)
    {
        var now = reader.Now;
        var series = await reader.LatestOneAsync(new SeriesSelector(CanonicalSeries.PrometheusSeries), ct);
        var ingest = await reader.LatestOneAsync(new SeriesSelector(CanonicalSeries.PrometheusIngestPerSecond), ct);
        var snapshot = await state.TargetsAsync(ct);
        var sources = (await state.SourcesAsync(ct)).Select(s => s.AsOf(now)).ToList();
        var down = snapshot?.Targets.Count(t => t.Health != "up");
        // Sources with no state at all are no data, never a green "0 of 0".
        var newestPoll = sources.Select(s => s.LastAttempt).Max();
        var marks = await PartialMarks.LoadAsync(reader, ct);
        var tiles = new List<MetricTile>
        {
            Tiles.Make("targets-down", "Targets down", down, snapshot?.ReadAt.ToUnixTimeMilliseconds(), now, v => $"{v:0} of {snapshot!.Targets.Count}", v => v == 0, "0",
                "Prometheus's active targets whose health is not up (/api/v1/targets)."),
            marks.Mark(Tiles.Make("series", "Prometheus series", series?.Sample.Value, series?.Sample.TimestampMs, now, v => v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), null, "—",
                "prometheus_tsdb_head_series."), series?.Key["source"]),
            marks.Mark(Tiles.Make("ingest", "Ingest rate", ingest?.Sample.Value, ingest?.Sample.TimestampMs, now, v => $"{v:0.0} samples/s", null, "—",
                "rate(prometheus_tsdb_head_samples_appended_total) over the collector window."), ingest?.Key["source"]),
            Tiles.Make("sources-down", "Collector sources down", sources.Count == 0 ? null : sources.Count(s => s.State is SourceState.Down or SourceState.Stale),
                newestPoll?.ToUnixTimeMilliseconds(), now, v => $"{v:0} of {sources.Count}", v => v == 0, "0",
                "The collectors' sources whose last poll failed, or that no collector has polled for three intervals."),
        };

        var seriesLines = await reader.LinesAsync(new SeriesSelector(CanonicalSeries.PrometheusSeries), range, k => k["instance"] ?? "prometheus", ct: ct);
        var ingestLines = await reader.LinesAsync(new SeriesSelector(CanonicalSeries.PrometheusIngestPerSecond), range, k => k["instance"] ?? "prometheus", ct: ct);
        var scrapeLines = await reader.LinesAsync(new SeriesSelector(CanonicalSeries.TargetScrapeSeconds), range, k => $"{k["job"]} {k["instance"]}", v => v * 1000, ct: ct);
        // The three charts are the Prometheus source's own series.
        var source = series?.Key["source"] ?? ingest?.Key["source"];
        var steps = await PartialSteps.LoadAsync(reader, range, ct);
        return new TargetsModel(snapshot, sources, tiles, seriesLines, ingestLines, scrapeLines)
        {
            SeriesPartial = steps.For(source, seriesLines),
            IngestPartial = steps.For(source, ingestLines),
            ScrapeDurationsPartial = steps.For(source, scrapeLines),
            Collectors = await state.InstancesAsync(now.AddHours(-1), now, ct),
        };
    }
}
