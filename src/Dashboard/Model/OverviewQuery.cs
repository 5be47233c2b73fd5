using X0tta6bl4.Ops.Collector.Catalog;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>Builds the Overview from the store and the live source states.</summary>
public sealed class OverviewQuery(IMetricStore store, SourceStatusBoard board, TimeProvider time)
{
    /// <summary>A figure older than this is flagged stale (four default scrape intervals).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    // Targets from the seed report's SLA table.
    private const double P95TargetSeconds = 0.200;
    private const double P99TargetSeconds = 0.500;
    private const double ErrorRateTarget = 0.01;
    private const double CpuTargetMillicores = 500;
    private const double MemoryTargetBytes = 1L << 30;

    public async Task<OverviewModel> LoadAsync(string? job, TimeSpan range, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var jobs = await JobsAsync(cancellationToken);
        job = job is not null && jobs.Contains(job) ? job : jobs.Contains("api") ? "api" : jobs.FirstOrDefault();
        var source = job is null ? null : await PreferredSourceAsync(job, cancellationToken);

        var tiles = new List<MetricTile>();
        var latency = new List<ChartLine>();
        var throughput = new List<ChartLine>();
        if (job is not null && source is not null)
        {
            tiles.AddRange(await TilesAsync(job, source, now, cancellationToken));
            var to = now.ToUnixTimeMilliseconds();
            var from = to - (long)range.TotalMilliseconds;
            var step = StepFor(range);
            foreach (var q in new[] { "0.5", "0.95", "0.99" })
            {
                var series = await store.QueryRangeAsync(new RangeQuery(
                    SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("job", job), ("source", source), ("quantile", q)), from, to, step), cancellationToken);
                latency.Add(Line($"p{Percentile(q)}", series.FirstOrDefault()?.Points ?? [], from, to, step, v => v * 1000));
            }

            var rates = await store.QueryRangeAsync(new RangeQuery(
                SeriesSelector.Where(CanonicalSeries.ApiRequestsPerSecond, ("job", job), ("source", source)), from, to, step), cancellationToken);
            foreach (var series in rates)
            {
                throughput.Add(Line(series.Key["class"] ?? "?", series.Points, from, to, step, v => v));
            }
        }

        return new OverviewModel(job, jobs, source, tiles, latency, throughput, board.All, now, range);
    }

    /// <summary>Steps of at least 30 s (two default scrapes) so jitter never leaves a false gap; at most ~240 points.</summary>
    public static long StepFor(TimeSpan range) => Math.Max(30_000, (long)range.TotalMilliseconds / 240 / 1000 * 1000);

    private async Task<List<string>> JobsAsync(CancellationToken cancellationToken)
    {
        var jobs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in new[] { CanonicalSeries.ApiLatencySeconds, CanonicalSeries.ApiRequestsPerSecond, CanonicalSeries.PodMemoryBytes })
        {
            foreach (var key in await store.ListSeriesAsync(new SeriesSelector(name), cancellationToken))
            {
                if (key["job"] is { } j)
                {
                    jobs.Add(j);
                }
            }
        }

        return jobs.ToList();
    }

    /// <summary>Prometheus when it has fresh data for the job, else the direct scrape.</summary>
    private async Task<string?> PreferredSourceAsync(string job, CancellationToken cancellationToken)
    {
        var latest = await store.LatestAsync(
            SeriesSelector.Where(CanonicalSeries.PodMemoryBytes, ("job", job)), cancellationToken);
        latest = latest.Count > 0 ? latest : await store.LatestAsync(SeriesSelector.Where(CanonicalSeries.ApiRequestsPerSecond, ("job", job)), cancellationToken);
        return latest.OrderByDescending(l => l.Key["source"] == "prometheus")
            .ThenByDescending(l => l.Sample.TimestampMs)
            .FirstOrDefault(l => time.GetUtcNow() - l.Sample.Timestamp < StaleAfter)?.Key["source"]
            ?? latest.OrderByDescending(l => l.Sample.TimestampMs).FirstOrDefault()?.Key["source"];
    }

    private async Task<IEnumerable<MetricTile>> TilesAsync(string job, string source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tiles = new List<MetricTile>();
        var how = source == "prometheus" ? "Prometheus" : "direct scrape of /metrics";

        var rates = await store.LatestAsync(SeriesSelector.Where(CanonicalSeries.ApiRequestsPerSecond, ("job", job), ("source", source)), cancellationToken);
        // Only the classes from the newest poll are summed: an older class series is from another moment.
        var newest = rates.Count == 0 ? (long?)null : rates.Max(r => r.Sample.TimestampMs);
        var current = rates.Where(r => r.Sample.TimestampMs == newest).ToList();
        double? total = current.Count == 0 ? null : current.Sum(r => r.Sample.Value);
        tiles.Add(Tile("rps", "Requests", total, newest, now, v => Display.PerSecond(v), v => true, "—",
            $"Sum over status classes of the request rate over the collector window; {how}."));

        double? errors = total is null ? null : total > 0 ? current.Where(r => r.Key["class"] == "5xx").Sum(r => r.Sample.Value) / total : 0;
        tiles.Add(Tile("errors", "Error rate (5xx)", errors, newest, now, Display.Percent, v => v < ErrorRateTarget, "< 1 %",
            $"5xx requests ÷ all requests over the collector window; {how}."));

        foreach (var (id, q, target) in new[] { ("p50", "0.5", double.PositiveInfinity), ("p95", "0.95", P95TargetSeconds), ("p99", "0.99", P99TargetSeconds) })
        {
            var latest = (await store.LatestAsync(
                SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("job", job), ("source", source), ("quantile", q)), cancellationToken)).FirstOrDefault();
            tiles.Add(Tile(id, $"Latency p{Percentile(q)}", latest?.Sample.Value, latest?.Sample.TimestampMs, now, Display.Milliseconds, v => v < target,
                double.IsPositiveInfinity(target) ? "—" : $"< {target * 1000:0} ms",
                $"histogram_quantile({q}) over the request histogram's increase in the collector window; {how}."));
        }

        var cpu = await store.LatestAsync(SeriesSelector.Where(CanonicalSeries.PodCpuMillicores, ("job", job), ("source", source)), cancellationToken);
        var cpuMax = cpu.OrderByDescending(c => c.Sample.Value).FirstOrDefault();
        tiles.Add(Tile("cpu", "CPU (busiest pod)", cpuMax?.Sample.Value, cpuMax?.Sample.TimestampMs, now, Display.Millicores, v => v < CpuTargetMillicores, "< 500 m",
            $"rate(process_cpu_seconds_total) × 1000 over the collector window, highest of {cpu.Count} pod(s); {how}."));

        var memory = await store.LatestAsync(SeriesSelector.Where(CanonicalSeries.PodMemoryBytes, ("job", job), ("source", source)), cancellationToken);
        var memoryMax = memory.OrderByDescending(c => c.Sample.Value).FirstOrDefault();
        tiles.Add(Tile("memory", "Memory (largest pod)", memoryMax?.Sample.Value, memoryMax?.Sample.TimestampMs, now, Display.Bytes, v => v < MemoryTargetBytes, "< 1 GiB",
            $"Resident memory (process_resident_memory_bytes, or prometheus-net's process_working_set_bytes), largest of {memory.Count} pod(s); {how}."));
        return tiles;
    }

    private static MetricTile Tile(string id, string title, double? value, long? timestampMs, DateTimeOffset now,
        Func<double, string> format, Func<double, bool> meetsTarget, string target, string how)
    {
        if (value is null || timestampMs is null)
        {
            return new MetricTile(id, title, null, "no data", null, "never", TileStatus.Missing, target, how);
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs.Value);
        var status = now - at > StaleAfter ? TileStatus.Stale : meetsTarget(value.Value) ? TileStatus.Ok : TileStatus.Breach;
        return new MetricTile(id, title, value, format(value.Value), timestampMs, Display.Ago(now, at), status, target, how);
    }

    /// <summary>Lays the points on the full step grid, with null where a step has no data.</summary>
    private static ChartLine Line(string name, IReadOnlyList<Sample> points, long from, long to, long step, Func<double, double> scale)
    {
        var byBucket = points.ToDictionary(p => p.TimestampMs, p => p.Value);
        var x = new List<DateTime>();
        var y = new List<double?>();
        for (var t = from; t <= to; t += step)
        {
            x.Add(DateTimeOffset.FromUnixTimeMilliseconds(t).UtcDateTime);
            y.Add(byBucket.TryGetValue(t, out var v) ? scale(v) : null);
        }

        return new ChartLine(name, x, y);
    }

    private static string Percentile(string quantile) =>
        (double.Parse(quantile, System.Globalization.CultureInfo.InvariantCulture) * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
