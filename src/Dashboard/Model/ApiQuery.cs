using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

public sealed record EndpointRow(string Endpoint, double? RequestsPerSecond, double? P95Seconds, double? ErrorRatio);

public sealed record ApiModel(
    string? Job,
    IReadOnlyList<string> Jobs,
    string? Source,
    IReadOnlyList<MetricTile> Tiles,
    IReadOnlyList<ChartLine> Latency,
    IReadOnlyList<ChartLine> StatusMix,
    IReadOnlyList<ChartLine> Throughput,
    IReadOnlyList<EndpointRow> Endpoints)
{
    /// <summary>Each chart's points from polls with warnings, if any (<see cref="PartialSteps"/>).</summary>
    public ChartPartial? LatencyPartial { get; init; }

    public ChartPartial? StatusMixPartial { get; init; }

    public ChartPartial? ThroughputPartial { get; init; }
}

/// <summary>The API page: every latency quantile, the status mix, throughput with its peak, and per-endpoint figures.</summary>
public sealed class ApiQuery(SeriesReader reader, X0tta6bl4.Ops.Metrics.Settings.SlaTargets slaTargets)
{
    public async Task<ApiModel> LoadAsync(string? job, TimeRange range, bool weekAgo, CancellationToken ct = default)
    {
        var jobSources = await JobSources.LoadAsync(reader, ct);
        var jobs = jobSources.Jobs;
        (job, var source) = jobSources.Choose(job);
        if (job is null || source is null)
        {
            return new ApiModel(job, jobs, source, [], [], [], [], []);
        }

        var now = reader.Now;
        var sla = (await slaTargets.LoadAsync(ct)).Targets;
        var how = SourceKinds.Describe(source);
        var latency = new List<ChartLine>();
        var tiles = new List<MetricTile>();
        foreach (var q in CanonicalSeries.LatencyQuantiles)
        {
            var quantile = CanonicalSeries.FormatQuantile(q);
            var selector = SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("job", job), ("source", source), ("quantile", quantile));
            latency.AddRange(await reader.LinesAsync(selector, range, _ => $"p{OverviewQuery.Percentile(quantile)}", v => v * 1000, ct: ct));
            if (q >= 0.95)
            {
                var latest = await reader.LatestOneAsync(selector, ct);
                var clamped = await reader.LatestOneAsync(SeriesSelector.Where(CanonicalSeries.ApiLatencyClamped, ("job", job), ("source", source), ("quantile", quantile)), ct);
                var target = q == 0.95 ? sla.P95Ms / 1000 : q == 0.99 ? sla.P99Ms / 1000 : (double?)null;
                var tile = Tiles.Make($"p{OverviewQuery.Percentile(quantile)}", $"Latency p{OverviewQuery.Percentile(quantile)}", latest?.Sample.Value, latest?.Sample.TimestampMs, now,
                    v => Display.Milliseconds(v) + (clamped?.Sample.Value == 1 ? " or more" : ""),
                    target is null ? null : v => v < target, target is null ? "—" : $"< {target * 1000:0} ms",
                    $"histogram_quantile({quantile}) over the request histogram in the collector window; {how}. \"or more\": the rank fell in the +Inf bucket, so the value is the highest finite bound.");
                tiles.Add(tile);
            }
        }

        if (weekAgo)
        {
            latency.AddRange(await OverviewQuery.WeekAgoP95Async(reader, job, source, range, ct));
        }

        var classSelector = SeriesSelector.Where(CanonicalSeries.ApiRequestsPerSecond, ("job", job), ("source", source));
        var classes = await reader.LinesAsync(classSelector, range, k => k["class"] ?? "?", ct: ct);
        var grid = SeriesReader.GridOf(range);
        var total = SeriesReader.Sum("all", classes, grid);
        var mix = classes.Select(c => new ChartLine(c.Name, grid,
            c.Y.Select((v, i) => v is null || total.Y[i] is not > 0 ? null : v / total.Y[i] * 100).ToList())).ToList();

        // Peak: each class's highest value within a step, summed per step; the highest step. At the
        // collector's resolution (one value per poll and window), so a burst shorter than the window is smoothed.
        var maxima = await reader.LinesAsync(classSelector, range, k => k["class"] ?? "?", aggregation: Aggregation.Max, ct: ct);
        var peakLine = SeriesReader.Sum("peak", maxima, grid);
        var peak = peakLine.Y.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Max();
        var throughput = new List<ChartLine> { total, peakLine with { Name = "step maximum", Dashed = true } };
        if (weekAgo)
        {
            var earlier = await reader.WeekAgoLinesAsync(classSelector, range, k => k["class"] ?? "?", ct: ct);
            if (earlier.Count > 0)
            {
                throughput.Add(SeriesReader.Sum("all (week ago)", earlier, grid) with { Dashed = true });
            }
        }

        var (newest, now_rps, fiveXx) = SeriesReader.NewestPoll(await reader.LatestAsync(classSelector, ct));
        tiles.Insert(0, Tiles.Make("rps", "Requests", now_rps, newest, now, Display.PerSecond, null, "—", $"Sum over status classes; {how}."));
        tiles.Insert(1, Tiles.Make("peak", "Peak in range", double.IsNaN(peak) ? null : peak, newest, now, Display.PerSecond, null, "—",
            "The highest step of the summed per-class step maxima in the range, at the collector's resolution (one value per poll over its window): a burst shorter than the window shows smoothed."));
        double? errors = now_rps is null ? null : now_rps > 0 ? fiveXx / now_rps : 0;
        tiles.Insert(2, Tiles.Make("errors", "Error rate (5xx)", errors, newest, now, Display.Percent, v => v < sla.ErrorRatePercent / 100, $"< {sla.ErrorRatePercent:0.###} %", $"5xx ÷ all requests in the collector window; {how}."));

        var marks = await PartialMarks.LoadAsync(reader, ct);
        var steps = await PartialSteps.LoadAsync(reader, range, ct);
        return new ApiModel(job, jobs, source, marks.Mark(tiles, source).ToList(), latency, mix, throughput, await EndpointsAsync(job, source, ct))
        {
            LatencyPartial = steps.For(source, latency),
            StatusMixPartial = steps.For(source, mix),
            ThroughputPartial = steps.For(source, throughput),
        };
    }

    private async Task<IReadOnlyList<EndpointRow>> EndpointsAsync(string job, string source, CancellationToken ct)
    {
        var rates = await reader.LatestAsync(SeriesSelector.Where(CanonicalSeries.ApiEndpointRequestsPerSecond, ("job", job), ("source", source)), ct);
        var p95 = await reader.LatestAsync(SeriesSelector.Where(CanonicalSeries.ApiEndpointLatencySeconds, ("job", job), ("source", source), ("quantile", "0.95")), ct);
        var endpoints = rates.Select(r => r.Key["endpoint"]!).Concat(p95.Select(p => p.Key["endpoint"]!)).Distinct(StringComparer.Ordinal);
        return endpoints.Select(endpoint =>
        {
            var (_, total, fiveXx) = SeriesReader.NewestPoll(rates.Where(r => r.Key["endpoint"] == endpoint).ToList());
            double? errors = total is > 0 ? fiveXx / total : null;
            var latency = p95.FirstOrDefault(p => p.Key["endpoint"] == endpoint);
            return new EndpointRow(endpoint, total, latency?.Sample.Value, errors);
        }).OrderByDescending(e => e.RequestsPerSecond ?? -1).ToList();
    }
}
