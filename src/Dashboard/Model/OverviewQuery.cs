using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>Builds the Overview from the store: the series, the sources' states as the collector last wrote them, the alerts firing.</summary>
public sealed class OverviewQuery(SeriesReader reader, SqlCollectorStateStore state, X0tta6bl4.Ops.Metrics.Alerts.SqlAlertStore alerts, SlaTargets slaTargets)
{
    /// <param name="weekAgo">Lay the p95 of a week earlier over the latency chart.</param>
    public async Task<OverviewModel> LoadAsync(string? job, TimeRange range, bool weekAgo = false, CancellationToken cancellationToken = default)
    {
        var now = reader.Now;
        // Independent reads run together: a refresh waits for its slowest read, not for the sum of them.
        var slaRead = slaTargets.LoadAsync(cancellationToken);
        var jobsRead = JobSources.LoadAsync(reader, cancellationToken);
        var hitRatios = HitRatioTilesAsync(now, cancellationToken);
        var openAlerts = alerts.OpenAlertsAsync(cancellationToken);
        var sourceStates = state.SourcesAsync(cancellationToken);
        var sla = (await slaRead).Targets;
        var jobSources = await jobsRead;
        var jobs = jobSources.Jobs;
        (job, var source) = jobSources.Choose(job);

        var tiles = new List<MetricTile>();
        var latency = new List<ChartLine>();
        var throughput = new List<ChartLine>();
        IReadOnlyList<ChartLine> lastWeek = [];
        PartialSteps? partialSteps = null;
        if (job is not null && source is not null)
        {
            var marksRead = PartialMarks.LoadAsync(reader, cancellationToken);
            var partialRead = PartialSteps.LoadAsync(reader, range, cancellationToken);
            var requestTiles = RequestTilesAsync(jobSources, job, source, now, sla, cancellationToken);
            var resourceTiles = ResourceTilesAsync(jobSources, job, source, now, sla, cancellationToken);
            var latencyLines = new[] { "0.5", "0.95", "0.99" }.Select(q => reader.LinesAsync(
                SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("job", job), ("source", source), ("quantile", q)), range,
                _ => $"p{Percentile(q)}", v => v * 1000, ct: cancellationToken)).ToList();
            var throughputLines = reader.LinesAsync(SeriesSelector.Where(CanonicalSeries.ApiRequestsPerSecond, ("job", job), ("source", source)), range,
                k => k["class"] ?? "?", ct: cancellationToken);
            var lastWeekLines = weekAgo ? WeekAgoP95Async(reader, job, source, range, cancellationToken) : Task.FromResult<IReadOnlyList<ChartLine>>([]);

            var marks = await marksRead;
            partialSteps = await partialRead;
            tiles.AddRange(marks.Mark(await requestTiles, source));
            tiles.AddRange(marks.Mark(await resourceTiles, source));
            foreach (var lines in latencyLines)
            {
                latency.AddRange(await lines);
            }

            throughput.AddRange(await throughputLines);
            lastWeek = await lastWeekLines;
        }

        tiles.AddRange(await hitRatios);
        var firing = (await openAlerts)
            .Where(a => a.State == X0tta6bl4.Ops.Metrics.Alerts.AlertState.Firing)
            .OrderBy(a => a.Severity == "critical" ? 0 : 1).ThenBy(a => a.StartedMs).ToList();
        var sources = (await sourceStates).Select(s => s.AsOf(now)).ToList();
        // Partial steps mark this week's lines; last week's are laid over after.
        return new OverviewModel(job, jobs, source, tiles, [.. latency, .. lastWeek], throughput, sources)
        {
            Firing = firing,
            LatencyPartial = partialSteps?.For(source, latency),
            ThroughputPartial = partialSteps?.For(source, throughput),
        };
    }

    public static Task<IReadOnlyList<ChartLine>> WeekAgoP95Async(SeriesReader reader, string job, string source, TimeRange range, CancellationToken cancellationToken) =>
        reader.WeekAgoLinesAsync(SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("job", job), ("source", source), ("quantile", "0.95")),
            range, _ => "p95", v => v * 1000, cancellationToken);

    private async Task<IEnumerable<MetricTile>> RequestTilesAsync(JobSources jobSources, string job, string source, DateTimeOffset now, SlaOptions sla, CancellationToken cancellationToken)
    {
        var tiles = new List<MetricTile>();
        var how = SourceKinds.Describe(source);
        // The pool's two series are the only ones not in JobSources' read.
        var busyRead = reader.LatestOneAsync(SeriesSelector.Where(CanonicalSeries.DbPoolConnections, ("job", job), ("source", source)), cancellationToken);
        var maxRead = reader.LatestOneAsync(SeriesSelector.Where(CanonicalSeries.DbPoolMaxConnections, ("job", job), ("source", source)), cancellationToken);

        var (newest, total, fiveXx) = SeriesReader.NewestPoll(jobSources.Newest(CanonicalSeries.ApiRequestsPerSecond, job, source));
        tiles.Add(Tiles.Make("rps", "Requests", total, newest, now, Display.PerSecond, null, "—",
            $"Sum over status classes of the request rate over the collector window; {how}."));

        double? errors = total is null ? null : total > 0 ? fiveXx / total : 0;
        tiles.Add(Tiles.Make("errors", "Error rate (5xx)", errors, newest, now, Display.Percent, v => v < sla.ErrorRatePercent / 100, $"< {sla.ErrorRatePercent:0.###} %",
            $"5xx requests ÷ all requests over the collector window; {how}."));

        var quantiles = jobSources.Newest(CanonicalSeries.ApiLatencySeconds, job, source);
        foreach (var (id, q, target) in new[] { ("p50", "0.5", (double?)null), ("p95", "0.95", sla.P95Ms / 1000), ("p99", "0.99", sla.P99Ms / 1000) })
        {
            var latest = quantiles.Where(l => l.Key["quantile"] == q).MaxBy(l => l.Sample.TimestampMs);
            tiles.Add(Tiles.Make(id, $"Latency p{Percentile(q)}", latest?.Sample.Value, latest?.Sample.TimestampMs, now, Display.Milliseconds,
                target is null ? null : v => v < target, target is null ? "—" : $"< {target * 1000:0.###} ms",
                $"histogram_quantile({q}) over the request histogram's increase in the collector window; {how}."));
        }

        var (busy, max) = (await busyRead, await maxRead);
        double? usage = busy is null || max is null || max.Sample.Value <= 0 ? null : busy.Sample.Value / max.Sample.Value;
        tiles.Add(Tiles.Make("pool", "DB pool usage", usage, busy?.Sample.TimestampMs, now,
            v => $"{Display.Percent(v)} ({busy!.Sample.Value:0}/{max!.Sample.Value:0})", v => v < SeedTargets.PoolUsage, "< 80 %",
            $"Connections the application holds from its pool ÷ the pool maximum, as it reports them; {how}."));
        return tiles;
    }

    private async Task<IEnumerable<MetricTile>> ResourceTilesAsync(JobSources jobSources, string job, string source, DateTimeOffset now, SlaOptions sla, CancellationToken cancellationToken)
    {
        var how = SourceKinds.Describe(source);
        var cpu = await reader.LatestAsync(SeriesSelector.Where(CanonicalSeries.PodCpuMillicores, ("job", job), ("source", source)), cancellationToken);
        var cpuMax = cpu.OrderByDescending(c => c.Sample.Value).FirstOrDefault();
        var memory = jobSources.Newest(CanonicalSeries.PodMemoryBytes, job, source);
        var memoryMax = memory.OrderByDescending(c => c.Sample.Value).FirstOrDefault();
        return
        [
            Tiles.Make("cpu", "CPU (busiest pod)", cpuMax?.Sample.Value, cpuMax?.Sample.TimestampMs, now, Display.Millicores, v => v < sla.CpuMillicores, $"< {sla.CpuMillicores:0.#} m",
                $"rate(process_cpu_seconds_total) × 1000 over the collector window, highest of {cpu.Count} pod(s); {how}."),
            Tiles.Make("memory", "Memory (largest pod)", memoryMax?.Sample.Value, memoryMax?.Sample.TimestampMs, now, Display.Bytes, v => v < sla.MemoryMiB * (1 << 20), $"< {Display.Bytes(sla.MemoryMiB * (1 << 20))}",
                $"Resident memory (process_resident_memory_bytes, or prometheus-net's process_working_set_bytes), largest of {memory.Count} pod(s); {how}."),
        ];
    }

    private async Task<IEnumerable<MetricTile>> HitRatioTilesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The application's database: the one with the most commits in the window.
        var (ratiosRead, commitsRead, redisRead) = (reader.LatestAsync(new SeriesSelector(PostgresSeries.CacheHitRatio), cancellationToken),
            reader.LatestAsync(new SeriesSelector(PostgresSeries.CommitsPerSecond), cancellationToken),
            reader.LatestOneAsync(new SeriesSelector(RedisSeries.HitRatio), cancellationToken));
        var (dbRatios, commits, redis) = (await ratiosRead, await commitsRead, await redisRead);
        var busiest = commits.OrderByDescending(c => c.Sample.Value).FirstOrDefault()?.Key["database"];
        var db = dbRatios.FirstOrDefault(r => r.Key["database"] == busiest) ?? dbRatios.OrderByDescending(r => r.Sample.TimestampMs).FirstOrDefault();
        return
        [
            Tiles.Make("db-hit", db is null ? "DB cache hit ratio" : $"DB hit ratio ({db.Key["database"]})", db?.Sample.Value, db?.Sample.TimestampMs, now,
                Display.Percent, v => v >= SeedTargets.HitRatio, "≥ 90 %",
                "Δblks_hit ÷ Δ(blks_hit + blks_read) from pg_stat_database over the collector window; no value when no block was requested."),
            Tiles.Make("redis-hit", "Redis hit ratio", redis?.Sample.Value, redis?.Sample.TimestampMs, now,
                Display.Percent, v => v >= SeedTargets.HitRatio, "≥ 90 %",
                "Δkeyspace_hits ÷ Δ(keyspace_hits + keyspace_misses) from INFO over the collector window; no value without lookups."),
        ];
    }

    public static string Percentile(string quantile) =>
        (double.Parse(quantile, System.Globalization.CultureInfo.InvariantCulture) * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
}
