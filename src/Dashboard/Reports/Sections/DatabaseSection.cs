using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Catalog;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>§2 Database: the application's pool, sessions, query classes, throughput, size and growth, cache, vacuum, replication.</summary>
public static class DatabaseSection
{
    public static async Task<ReportSection> BuildAsync(ReportContext c, CancellationToken ct)
    {
        var figures = new List<Figure>();
        var pg = "PostgreSQL source (pg_stat_*)";

        // A selector as the method cites it: series{name="value",…}.
        static string Cited(string series, (string, string)[] labels) =>
            labels.Length == 0 ? series : series + "{" + string.Join(",", labels.Select(l => $"{l.Item1}=\"{l.Item2}\"")) + "}";

        async Task Add(string id, string label, string unit, string series, Combine combine, Better better, string estimator,
            Func<WindowStat, double?> pick, bool jobSeries, params (string, string)[] labels)
        {
            var stat = await c.Reader.StatAsync(jobSeries ? c.JobSeries(series, labels) : ReportContext.Series(series, labels), combine, ct);
            figures.Add(new Figure(id, label, unit, pick(stat), c.MethodOf(Cited(series, labels) + (jobSeries ? $" ({c.SourceLabel})" : $" ({pg})"), estimator, stat.Samples))
            {
                Better = better,
                Steps = stat.Steps,
            });
        }

        // A total that only grows or shrinks slowly: its last value, and its growth per day over the window.
        async Task AddLastAndGrowth(string id, string label, string growthLabel, string unit, string series, Better better, string lastEstimator, string growthEstimator,
            params (string, string)[] labels)
        {
            var stat = await c.Reader.StatAsync(ReportContext.Series(series, labels), Combine.Sum, ct);
            var cited = $"{Cited(series, labels)} ({pg})";
            figures.Add(ReportContext.Last(id, label, unit, stat, better, c.MethodOf(cited, lastEstimator, stat.Samples)));
            figures.Add(new Figure(id + ".growth", growthLabel, unit + "/day", ReportContext.PerDay(stat), c.MethodOf(cited, growthEstimator, stat.Samples)) { Better = Better.Lower });
        }

        // The application's pool.
        await Add("db.pool.busy.mean", "Pool connections in use (mean)", "n", CanonicalSeries.DbPoolConnections, Combine.Sum, Better.Lower, "Mean over steps, summed over pods", s => s.Mean, true);
        await Add("db.pool.busy.max", "Pool connections in use (highest)", "n", CanonicalSeries.DbPoolConnections, Combine.Sum, Better.Lower, "Highest stored value, summed over pods per step", s => s.Max, true);
        await Add("db.pool.max", "Pool maximum", "n", CanonicalSeries.DbPoolMaxConnections, Combine.Sum, Better.Neither, "Last value, summed over pods", s => s.Last?.Value, true);
        await Add("db.pool.usage.max", "Pool use (highest)", "ratio", DerivedSeries.DbPoolUsageRatio, Combine.Max, Better.Lower, "Highest per-poll busy ÷ maximum of any pod", s => s.Max, true);

        // Sessions and waits.
        await Add("db.sessions.active", "Active sessions (mean)", "n", PostgresSeries.Connections, Combine.Sum, Better.Lower, "Mean over steps of pg_stat_activity rows in state active", s => s.Mean, false, ("state", "active"));
        await Add("db.sessions.idle", "Idle sessions (mean)", "n", PostgresSeries.Connections, Combine.Sum, Better.Neither, "Mean over steps of pg_stat_activity rows in state idle", s => s.Mean, false, ("state", "idle"));
        await Add("db.sessions.max_connections", "max_connections", "n", PostgresSeries.MaxConnections, Combine.Max, Better.Neither, "Last value of SHOW max_connections", s => s.Last?.Value, false);
        await Add("db.waiting.mean", "Sessions waiting on a lock (mean)", "n", PostgresSeries.WaitingSessions, Combine.Sum, Better.Lower, "Mean over steps, summed over databases", s => s.Mean, false);
        await Add("db.waiting.max", "Sessions waiting on a lock (highest)", "n", PostgresSeries.WaitingSessions, Combine.Sum, Better.Lower, "Highest per step, summed over databases", s => s.Max, false);
        await Add("db.lock_wait.max", "Longest lock wait (highest)", "s", PostgresSeries.LongestLockWaitSeconds, Combine.Max, Better.Lower, "Highest stored wait of a session on a lock (pg_locks.waitstart)", s => s.Max, false);
        await Add("db.longest_query.max", "Longest running query (highest)", "s", PostgresSeries.LongestQuerySeconds, Combine.Max, Better.Lower, "Highest stored value", s => s.Max, false);

        // Query classes from the application's own histogram.
        var classes = await c.Reader.HistogramsAsync(c.JobSeries(HistogramSeries.DbQueryBucketIncrease), k => k["query"] ?? "?", ct);
        var classRows = new List<IReadOnlyList<string>>();
        foreach (var queryClass in classes.Where(q => q.Observations > 0))
        {
            var p95 = queryClass.Quantile(0.95);
            figures.Add(new Figure($"db.query.{queryClass.Group}.p95", $"Query class '{queryClass.Group}' p95", "s", p95?.Value,
                c.MethodOf($"{HistogramSeries.DbQueryBucketIncrease}{{query=\"{queryClass.Group}\"}} ({c.SourceLabel})",
                    $"histogram_quantile(0.95) over x0tta6bl4_db_query_duration_seconds' bucket increases across the window ({queryClass.Observations:0} queries)", queryClass.Samples))
            { Better = Better.Lower, Steps = queryClass.StepQuantiles(0.95) });
            classRows.Add([queryClass.Group, ReportFormat.Count(queryClass.Observations), ReportFormat.Value("s", queryClass.Quantile(0.5)?.Value), ReportFormat.Value("s", p95?.Value), ReportFormat.Value("s", queryClass.Quantile(0.99)?.Value)]);
        }

        if (classes.All(q => q.Observations <= 0))
        {
            figures.Add(ReportContext.NotMeasured("db.query.p95", "Query classes p95", "s", "No x0tta6bl4_db_query_duration_seconds bucket increases are stored for the window."));
        }

        // Throughput.
        await Add("db.commits", "Commits", "/s", PostgresSeries.CommitsPerSecond, Combine.Sum, Better.Neither, "Mean over steps, summed over databases", s => s.Mean, false);
        await Add("db.rollbacks", "Rollbacks", "/s", PostgresSeries.RollbacksPerSecond, Combine.Sum, Better.Lower, "Mean over steps, summed over databases", s => s.Mean, false);
        await Add("db.tuples", "Tuples read and written", "/s", PostgresSeries.TuplesPerSecond, Combine.Sum, Better.Neither, "Mean over steps, summed over databases and operations", s => s.Mean, false);

        // Size and growth.
        // The application's database only, as the Capacity and Database pages size it: never the server's other databases added in.
        var application = ApplicationDatabase.From((await c.Reader.PerSeriesAsync(ReportContext.Series(PostgresSeries.IndexSizeBytes), ct)).Select(s => (s.Key, s.Samples)));
        if (application is null)
        {
            const string why = "No size of the application's database is stored for the window (is the PostgreSQL source configured?).";
            figures.Add(ReportContext.NotMeasured("db.size", "Data size", "B", why));
            figures.Add(ReportContext.NotMeasured("db.size.growth", "Data growth per day", "B/day", why));
        }
        else
        {
            await AddLastAndGrowth("db.size", "Data size", "Data growth per day", "B", PostgresSeries.SizeBytes, Better.Neither,
                $"pg_database_size('{application}') — {ApplicationDatabase.Definition} — at the last step",
                "(last step − first step) ÷ days between them; none with less than an hour of data", ("database", application));
        }

        await AddLastAndGrowth("db.index_size", "Index size", "Index growth per day", "B", PostgresSeries.IndexSizeBytes, Better.Neither,
            "Index bytes of the current database at the last step", "(last step − first step) ÷ days between them");

        // Cache, vacuum, replication.
        await Add("db.cache_hit.mean", "Cache hit ratio (mean)", "ratio", PostgresSeries.CacheHitRatio, Combine.Mean, Better.Higher, "Mean over steps of blks_hit ÷ (blks_hit + blks_read) per poll", s => s.Mean, false);
        await Add("db.cache_hit.min", "Cache hit ratio (lowest)", "ratio", PostgresSeries.CacheHitRatio, Combine.Mean, Better.Higher, "Lowest stored value", s => s.Min, false);
        await Add("db.autovacuum.max", "Autovacuum workers (highest)", "n", PostgresSeries.AutovacuumWorkers, Combine.Max, Better.Neither, "Highest stored value", s => s.Max, false);
        await AddLastAndGrowth("db.dead_tuples", "Dead rows", "Dead-row growth per day", "n", PostgresSeries.DeadTuples, Better.Lower,
            "n_dead_tup summed over tables at the last step", "(last step − first step) ÷ days between them, summed over tables");
        var lag = await c.Reader.StatAsync(ReportContext.Series(PostgresSeries.ReplicationLagSeconds), Combine.Max, ct);
        figures.Add(lag.Samples == 0
            ? ReportContext.NotMeasured("db.replication_lag.max", "Replication lag (highest)", "s", "No replica reported replication lag in the window (none configured, or not a primary with replicas).")
            : ReportContext.Max("db.replication_lag.max", "Replication lag (highest)", "s", lag, Better.Lower, c.MethodOf($"{PostgresSeries.ReplicationLagSeconds} ({pg})", "Highest stored replay lag of any replica", lag.Samples)));

        // Statements with the highest mean time (pg_stat_statements).
        var statements = await c.Reader.PerSeriesAsync(ReportContext.Series(PostgresSeries.StatementMeanSeconds), ct);
        var statementRows = statements.OrderByDescending(s => s.Max).Take(10)
            .Select(s => (IReadOnlyList<string>)[s.Key["query"] ?? s.Key["queryid"] ?? "?", ReportFormat.Value("s", s.Mean), ReportFormat.Value("s", s.Max)]).ToList();

        var slowest = statements.OrderByDescending(s => s.Max).FirstOrDefault();
        figures.Add(slowest is null
            ? ReportContext.NotMeasured("db.statements.slowest", "Slowest statement (highest per-poll mean)", "s", "No pg_stat_statements means are stored for the window (is the extension installed?).")
            : new Figure("db.statements.slowest", "Slowest statement (highest per-poll mean)", "s", slowest.Max,
                c.MethodOf($"{PostgresSeries.StatementMeanSeconds} ({pg})", $"Highest per-poll mean time of any statement in the top list: '{slowest.Key["query"]}'", statements.Sum(s => s.Samples)))
            { Better = Better.Lower, Steps = slowest.Steps });

        return new ReportSection("database", "Database", figures,
        [
            new ReportTable("Query classes (the application's x0tta6bl4_db_query_duration_seconds)", ["Class", "Queries", "p50", "p95", "p99"], classRows),
            new ReportTable("Statements with the highest mean time (pg_stat_statements)", ["Statement", "Mean of per-poll means", "Highest per-poll mean"], statementRows),
        ]);
    }
}
