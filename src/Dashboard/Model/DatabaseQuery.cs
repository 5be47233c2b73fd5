using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

public sealed record ConnectionRow(string Database, string User, string State, double Count);

public sealed record StatementRow(string QueryId, string Query, double? CallsPerSecond, double? MeanSeconds, double TotalSeconds);

/// <param name="Application">The application's database (<see cref="ApplicationDatabase"/>): the one the Capacity page and the report size.</param>
public sealed record DatabaseSizeRow(string Database, double Bytes, double? GrowthBytes, bool Application);

public sealed record TableRow(string Table, double DeadTuples, double? LastVacuumAgeSeconds);

public sealed record DatabaseModel(
    IReadOnlyList<string> Instances,
    string? Instance,
    IReadOnlyList<MetricTile> Tiles,
    IReadOnlyList<ChartLine> ConnectionsByState,
    IReadOnlyList<ChartLine> Transactions,
    IReadOnlyList<ChartLine> HitRatio,
    IReadOnlyList<ConnectionRow> Connections,
    IReadOnlyList<StatementRow> Statements,
    IReadOnlyList<DatabaseSizeRow> Sizes,
    IReadOnlyList<TableRow> Tables);

/// <summary>The Database page: sessions against the limits, transaction rates, hit ratio, statements, sizes and vacuum.</summary>
public sealed class DatabaseQuery(SeriesReader reader)
{
    /// <summary>Every application's pool gauges, each job read from one source only (both would count it twice).</summary>
    private async Task<(List<LatestSample> Busy, List<LatestSample> Max)> PoolsAsync(CancellationToken ct)
    {
        var busy = new List<LatestSample>();
        var max = new List<LatestSample>();
        var jobSources = await JobSources.LoadAsync(reader, ct);
        var allMax = await reader.LatestAsync(new SeriesSelector(CanonicalSeries.DbPoolMaxConnections), ct);
        foreach (var job in allMax.Select(l => l.Key["job"]!).Distinct())
        {
            var source = jobSources.SourceOf(job) ?? "";
            busy.AddRange(await reader.LatestAsync(SeriesSelector.Where(CanonicalSeries.DbPoolConnections, ("job", job), ("source", source)), ct));
            max.AddRange(allMax.Where(l => l.Key["job"] == job && (l.Key["source"] ?? "") == source));
        }

        return (busy, max);
    }

    public async Task<DatabaseModel> LoadAsync(string? instance, TimeRange range, bool weekAgo, CancellationToken ct = default)
    {
        var instances = (await reader.LatestAsync(new SeriesSelector(PostgresSeries.MaxConnections), ct))
            .Select(l => l.Key["instance"]!).Distinct().Order(StringComparer.Ordinal).ToList();
        instance = instance is not null && instances.Contains(instance) ? instance : instances.FirstOrDefault();
        if (instance is null)
        {
            return new DatabaseModel(instances, null, [], [], [], [], [], [], [], []);
        }

        var now = reader.Now;
        SeriesSelector Select(string name, params (string, string)[] labels) => SeriesSelector.Where(name, [.. labels, ("instance", instance)]);

        var connections = (await reader.LatestAsync(Select(PostgresSeries.Connections), ct)).ToList();
        var newestConnections = connections.Count == 0 ? (long?)null : connections.Max(c => c.Sample.TimestampMs);
        connections = connections.Where(c => c.Sample.TimestampMs == newestConnections).ToList();
        var max = await reader.LatestOneAsync(Select(PostgresSeries.MaxConnections), ct);
        double? total = connections.Count == 0 ? null : connections.Sum(c => c.Sample.Value);
        var waiting = (await reader.LatestAsync(Select(PostgresSeries.WaitingSessions), ct)).Where(w => w.Sample.TimestampMs == newestConnections).ToList();
        var longestXact = await reader.LatestOneAsync(Select(PostgresSeries.LongestTransactionSeconds), ct);
        var longestQuery = await reader.LatestOneAsync(Select(PostgresSeries.LongestQuerySeconds), ct);
        var commits = await reader.LatestAsync(Select(PostgresSeries.CommitsPerSecond), ct);
        var rollbacks = await reader.LatestAsync(Select(PostgresSeries.RollbacksPerSecond), ct);
        var deadlocks = await reader.LatestAsync(Select(PostgresSeries.DeadlocksTotal), ct);
        var ratios = await reader.LatestAsync(Select(PostgresSeries.CacheHitRatio), ct);
        var busiest = commits.OrderByDescending(c => c.Sample.Value).FirstOrDefault()?.Key["database"];
        var ratio = ratios.FirstOrDefault(r => r.Key["database"] == busiest) ?? ratios.FirstOrDefault();
        var (poolBusy, poolMax) = await PoolsAsync(ct);
        var workers = await reader.LatestOneAsync(Select(PostgresSeries.AutovacuumWorkers), ct);
        // Replicas the newest poll saw: a standby that stopped is gone from pg_stat_replication, so its lag is missing, never 0.
        var lags = (await reader.LatestAsync(Select(PostgresSeries.ReplicationLagSeconds), ct)).Where(l => l.Sample.TimestampMs == newestConnections).ToList();

        var tiles = new List<MetricTile>
        {
            Tiles.Make("connections", "Sessions", total, newestConnections, now,
                v => max is null ? $"{v:0}" : $"{v:0} of {max.Sample.Value:0} ({v / max.Sample.Value:P0})",
                v => max is null || v < max.Sample.Value * SeedTargets.PoolUsage, "< 80 % of max_connections",
                "Client backends in pg_stat_activity, against max_connections."),
            Tiles.Make("pool", "App pool in use", poolBusy.Count == 0 ? null : poolBusy.Sum(p => p.Sample.Value),
                poolBusy.Count == 0 ? null : poolBusy.Max(p => p.Sample.TimestampMs), now,
                v => poolMax.Count == 0 ? $"{v:0}" : $"{v:0} of {poolMax.Sum(p => p.Sample.Value):0}",
                v => poolMax.Count == 0 || v < poolMax.Sum(p => p.Sample.Value) * SeedTargets.PoolUsage, "< 80 % of the pool",
                "Connections the application's pods hold from their pools (x0tta6bl4_db_pool_connections_busy), summed over pods, against their pool maxima."),
            Tiles.Make("waiting", "Waiting on locks", waiting.Count == 0 ? null : waiting.Sum(w => w.Sample.Value), newestConnections, now,
                v => $"{v:0}", v => v == 0, "0", "Client backends whose wait_event_type is Lock."),
            Tiles.Make("longest-xact", "Longest transaction", longestXact?.Sample.Value, longestXact?.Sample.TimestampMs, now,
                Display.Duration, v => v < 60, "< 1 min", "Age of the oldest open transaction (0 when none is open)."),
            Tiles.Make("longest-query", "Longest query", longestQuery?.Sample.Value, longestQuery?.Sample.TimestampMs, now,
                Display.Duration, v => v < 10, "< 10 s", "Age of the longest-running active query (0 when none runs)."),
            Tiles.Make("hit", ratio is null ? "Cache hit ratio" : $"Hit ratio ({ratio.Key["database"]})", ratio?.Sample.Value, ratio?.Sample.TimestampMs, now,
                Display.Percent, v => v >= SeedTargets.HitRatio, "≥ 90 %", "Δblks_hit ÷ Δ(blks_hit + blks_read) over the collector window."),
            Tiles.Make("commits", "Commits", commits.Count == 0 ? null : commits.Sum(c => c.Sample.Value), commits.Count == 0 ? null : commits.Max(c => c.Sample.TimestampMs), now,
                v => $"{v:0.0}/s", null, "—", "Δxact_commit ÷ Δt over all databases."),
            Tiles.Make("rollbacks", "Rollbacks", rollbacks.Count == 0 ? null : rollbacks.Sum(c => c.Sample.Value), rollbacks.Count == 0 ? null : rollbacks.Max(c => c.Sample.TimestampMs), now,
                v => $"{v:0.00}/s", null, "—", "Δxact_rollback ÷ Δt over all databases."),
            Tiles.Make("deadlocks", "Deadlocks (since reset)", deadlocks.Count == 0 ? null : deadlocks.Sum(c => c.Sample.Value), deadlocks.Count == 0 ? null : deadlocks.Max(c => c.Sample.TimestampMs), now,
                v => $"{v:0}", null, "—", "pg_stat_database.deadlocks summed over databases, since the last statistics reset."),
            Tiles.Make("autovacuum", "Autovacuum workers", workers?.Sample.Value, workers?.Sample.TimestampMs, now, v => $"{v:0}", null, "—",
                "Autovacuum workers running now (pg_stat_activity)."),
            Tiles.Make("replication", lags.Count == 1 ? $"Replication lag ({lags[0].Key["replica"]})" : "Replication lag",
                lags.Count == 0 ? null : lags.Max(l => l.Sample.Value), newestConnections, now, Display.Duration, v => v < 10, "< 10 s",
                "Replay lag of the standbys streaming from this server (pg_stat_replication.replay_lag, 0 s once one has replayed all the WAL written), the highest; no data when none streams."),
        };

        var byState = await reader.LinesAsync(Select(PostgresSeries.Connections), range, k => k["state"] ?? "?", ct: ct);
        var grid = SeriesReader.GridOf(range);
        var states = byState.GroupBy(l => l.Name).Select(g => SeriesReader.Sum(g.Key, g.ToList(), grid)).ToList();

        var transactions = new List<ChartLine>
        {
            SeriesReader.Sum("commits/s", await reader.LinesAsync(Select(PostgresSeries.CommitsPerSecond), range, k => k["database"]!, ct: ct), grid),
            SeriesReader.Sum("rollbacks/s", await reader.LinesAsync(Select(PostgresSeries.RollbacksPerSecond), range, k => k["database"]!, ct: ct), grid),
        };
        if (weekAgo)
        {
            var earlier = await reader.WeekAgoLinesAsync(Select(PostgresSeries.CommitsPerSecond), range, k => k["database"]!, ct: ct);
            if (earlier.Count > 0)
            {
                transactions.Add(SeriesReader.Sum("commits/s (week ago)", earlier, grid) with { Dashed = true });
            }
        }

        var hitRatio = await reader.LinesAsync(Select(PostgresSeries.CacheHitRatio), range, k => k["database"]!, v => v * 100, ct: ct);

        var statements = await reader.LatestAsync(Select(PostgresSeries.StatementTotalSeconds), ct);
        var calls = await reader.LatestAsync(Select(PostgresSeries.StatementCallsPerSecond), ct);
        var means = await reader.LatestAsync(Select(PostgresSeries.StatementMeanSeconds), ct);
        var newestStatements = statements.Count == 0 ? 0 : statements.Max(s => s.Sample.TimestampMs);
        var statementRows = statements.Where(s => s.Sample.TimestampMs == newestStatements).Select(s =>
        {
            var id = s.Key["queryid"]!;
            return new StatementRow(id, s.Key["query"] ?? "",
                calls.FirstOrDefault(c => c.Key["queryid"] == id && c.Sample.TimestampMs == newestStatements)?.Sample.Value,
                means.FirstOrDefault(m => m.Key["queryid"] == id && m.Sample.TimestampMs == newestStatements)?.Sample.Value,
                s.Sample.Value);
        }).OrderByDescending(r => r.TotalSeconds).ToList();

        var application = ApplicationDatabase.From(await reader.LatestAsync(Select(PostgresSeries.IndexSizeBytes), ct));
        var sizes = new List<DatabaseSizeRow>();
        foreach (var size in await reader.LatestAsync(Select(PostgresSeries.SizeBytes), ct))
        {
            var history = await reader.LinesAsync(Select(PostgresSeries.SizeBytes, ("database", size.Key["database"]!)), range, _ => "size", ct: ct);
            var first = history.SelectMany(h => h.Y).FirstOrDefault(v => v is not null);
            sizes.Add(new DatabaseSizeRow(size.Key["database"]!, size.Sample.Value, first is null ? null : size.Sample.Value - first, size.Key["database"] == application));
        }

        var dead = await reader.LatestAsync(Select(PostgresSeries.DeadTuples), ct);
        var ages = await reader.LatestAsync(Select(PostgresSeries.LastAutovacuumAgeSeconds), ct);
        var newestDead = dead.Count == 0 ? 0 : dead.Max(d => d.Sample.TimestampMs);
        var tables = dead.Where(d => d.Sample.TimestampMs == newestDead)
            .Select(d => new TableRow(d.Key["table"]!, d.Sample.Value, ages.FirstOrDefault(a => a.Key["table"] == d.Key["table"] && a.Sample.TimestampMs == newestDead)?.Sample.Value))
            .OrderByDescending(t => t.DeadTuples).ToList();

        var connectionRows = connections.Select(c => new ConnectionRow(c.Key["database"] ?? "", c.Key["user"] ?? "", c.Key["state"] ?? "", c.Sample.Value))
            .OrderByDescending(c => c.Count).ToList();
        return new DatabaseModel(instances, instance, tiles, states, transactions, hitRatio, connectionRows, statementRows,
            sizes.OrderByDescending(s => s.Application).ThenByDescending(s => s.Bytes).ToList(), tables);
    }
}
