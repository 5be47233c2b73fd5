using System.Globalization;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Postgres;

/// <summary>
/// Turns successive statistics readings of one PostgreSQL server into canonical series. Counters
/// (commits, blocks, statement calls …) become windowed rates and ratios, resets handled: a
/// pg_stat_reset() or a restart reads as a counter that went down.
/// </summary>
public sealed class PostgresDerivation(string instance, TimeSpan window)
{
    /// <summary>Longest label text kept for a statement.</summary>
    public const int QueryLabelLength = 120;

    private readonly CounterWindow _window = new(window);

    public IReadOnlyList<SeriesSample> Derive(PostgresStatistics stats, long timestampMs)
    {
        var output = new SourceSamples(instance, "postgres", timestampMs);
        void Add(string name, double? value, params (string, string)[] labels) => output.Add(name, value, labels);

        foreach (var row in stats.Activity)
        {
            Add(PostgresSeries.Connections, row.Count, ("database", row.Database), ("user", row.User), ("state", row.State));
        }

        foreach (var group in stats.Activity.GroupBy(a => a.Database))
        {
            Add(PostgresSeries.WaitingSessions, group.Sum(a => a.Waiting), ("database", group.Key));
        }

        Add(PostgresSeries.MaxConnections, stats.MaxConnections);
        // No open transaction (or query) is a true 0 seconds, not missing data.
        Add(PostgresSeries.LongestTransactionSeconds, stats.LongestTransactionSeconds ?? 0);
        Add(PostgresSeries.LongestQuerySeconds, stats.LongestQuerySeconds ?? 0);
        Add(PostgresSeries.LongestLockWaitSeconds, stats.LongestLockWaitSeconds);

        foreach (var db in stats.Databases)
        {
            Add(PostgresSeries.DeadlocksTotal, db.Deadlocks, ("database", db.Name));
            Add(PostgresSeries.SizeBytes, db.SizeBytes, ("database", db.Name));
        }

        Add(PostgresSeries.IndexSizeBytes, stats.CurrentDatabaseIndexBytes, ("database", stats.CurrentDatabase));
        Add(PostgresSeries.AutovacuumWorkers, stats.AutovacuumWorkers);
        foreach (var table in stats.Tables)
        {
            Add(PostgresSeries.DeadTuples, table.DeadTuples, ("table", table.Table));
            Add(PostgresSeries.LastAutovacuumAgeSeconds, table.LastAutovacuumAgeSeconds, ("table", table.Table));
        }

        foreach (var replica in stats.Replicas)
        {
            Add(PostgresSeries.ReplicationLagSeconds, replica.ReplayLagSeconds, ("replica", replica.Name));
        }

        Add(PostgresSeries.ReplicationLagSeconds, stats.StandbyLagSeconds, ("replica", "self"));

        var delta = _window.Advance(timestampMs, Counters(stats));
        if (delta is null)
        {
            return output.Samples;
        }

        foreach (var db in stats.Databases)
        {
            var d = ("database", db.Name);
            Add(PostgresSeries.CommitsPerSecond, delta.Rate($"commits:{db.Name}"), d);
            Add(PostgresSeries.RollbacksPerSecond, delta.Rate($"rollbacks:{db.Name}"), d);
            foreach (var op in TupleOps)
            {
                Add(PostgresSeries.TuplesPerSecond, delta.Rate($"tup_{op}:{db.Name}"), d, ("op", op));
            }

            Add(PostgresSeries.TempFilesPerSecond, delta.Rate($"temp_files:{db.Name}"), d);
            Add(PostgresSeries.TempBytesPerSecond, delta.Rate($"temp_bytes:{db.Name}"), d);
            // No block was read in the window: the ratio is unknown, not 0 or 1.
            Add(PostgresSeries.CacheHitRatio, delta.Ratio($"blks_hit:{db.Name}", $"blks_read:{db.Name}"), d);
        }

        foreach (var statement in stats.Statements ?? [])
        {
            var labels = new[] { ("queryid", statement.QueryId.ToString(CultureInfo.InvariantCulture)), ("query", Shorten(statement.Query)) };
            // A statement that just entered the top list has no earlier reading: no rate yet, rather than its lifetime as one window.
            var calls = delta.IncreaseSinceKnown($"calls:{statement.QueryId}");
            Add(PostgresSeries.StatementCallsPerSecond, calls / delta.Seconds, labels);
            Add(PostgresSeries.StatementTotalSeconds, statement.TotalMs / 1000, labels);
            if (calls > 0)
            {
                Add(PostgresSeries.StatementMeanSeconds, delta.IncreaseSinceKnown($"total_ms:{statement.QueryId}") / calls / 1000, labels);
            }
        }

        return output.Samples;
    }

    private static readonly string[] TupleOps = ["returned", "fetched", "inserted", "updated", "deleted"];

    private static Dictionary<string, double> Counters(PostgresStatistics stats)
    {
        var counters = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var db in stats.Databases)
        {
            counters[$"commits:{db.Name}"] = db.Commits;
            counters[$"rollbacks:{db.Name}"] = db.Rollbacks;
            counters[$"tup_returned:{db.Name}"] = db.Returned;
            counters[$"tup_fetched:{db.Name}"] = db.Fetched;
            counters[$"tup_inserted:{db.Name}"] = db.Inserted;
            counters[$"tup_updated:{db.Name}"] = db.Updated;
            counters[$"tup_deleted:{db.Name}"] = db.Deleted;
            counters[$"temp_files:{db.Name}"] = db.TempFiles;
            counters[$"temp_bytes:{db.Name}"] = db.TempBytes;
            counters[$"blks_hit:{db.Name}"] = db.BlocksHit;
            counters[$"blks_read:{db.Name}"] = db.BlocksRead;
        }

        foreach (var statement in stats.Statements ?? [])
        {
            counters[$"calls:{statement.QueryId}"] = statement.Calls;
            counters[$"total_ms:{statement.QueryId}"] = statement.TotalMs;
        }

        return counters;
    }

    private static string Shorten(string query) =>
        query.Length <= QueryLabelLength ? query : query[..(QueryLabelLength - 1)] + "…";
}
