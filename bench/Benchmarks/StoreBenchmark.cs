using System.Diagnostics;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// The metric store against the same data handled by plain tools: ingest through the store vs raw
/// binary COPY of the same rows into a bare indexed table, bytes per sample on disk, and range-query
/// latency through our query API vs Prometheus's on the same samples.
/// </summary>
internal static class StoreBenchmark
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);

    /// <summary>The data ends at the last whole hour, so both systems hold exactly the same samples.</summary>
    public static long EndMs(DateTimeOffset now) => now.ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000;

    /// <summary>Loads one data set (<see cref="StoreBenchData"/>) into both stores and an OpenMetrics file; figures of the "random" set are prefixed "random_".</summary>
    public static async Task<int> LoadAsync(string set, string postgres, string sqlitePath, string openMetricsPath)
    {
        var data = StoreBenchData.Create(set, EndMs(DateTimeOffset.UtcNow));
        var end = data.EndMs;
        var prefix = set == "realistic" ? "" : set + "_";
        var keys = Enumerable.Range(0, data.Series).Select(s => SeriesKey.Of("bench_metric", ("series", $"s{s:D2}"))).ToArray();
        var total = data.Total;
        void Print(string name, double value, string format) => Figures.Print(prefix + name, value, format);

        // Reference: raw binary COPY of the same rows into a bare table with the same (series_id, ts) index.
        await using var dataSource = NpgsqlDataSource.Create(postgres);
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var create = new NpgsqlCommand(
                "DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (series_id bigint, ts timestamptz, value double precision); CREATE INDEX ON bench_raw (series_id, ts);", connection);
            await create.ExecuteNonQueryAsync();
        }

        // Batch by batch, the reference and then the store: both meet the same checkpoints, WAL growth and
        // neighbours on this shared machine, which a run of one after the other would not.
        await using var store = await PostgresMetricStore.OpenAsync(postgres);
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection))
        {
            await checkpoint.ExecuteNonQueryAsync();
        }

        var copy = new Stopwatch();
        var ours = new Stopwatch();
        foreach (var batch in data.Hours())
        {
            copy.Start();
            await using (var connection = await dataSource.OpenConnectionAsync())
            await using (var writer = await connection.BeginBinaryImportAsync("COPY bench_raw (series_id, ts, value) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (s, ts, v) in batch)
                {
                    await writer.StartRowAsync();
                    await writer.WriteAsync((long)s + 1, NpgsqlDbType.Bigint);
                    await writer.WriteAsync(DateTimeOffset.FromUnixTimeMilliseconds(ts).UtcDateTime, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync(v, NpgsqlDbType.Double);
                }

                await writer.CompleteAsync();
            }

            copy.Stop();
            var samples = batch.Select(b => new SeriesSample(keys[b.Series], b.Ts, b.Value)).ToList(); // the input, like the reference's rows
            ours.Start();
            await store.WriteAsync(samples);
            ours.Stop();
        }

        var sqlite = await SqliteMetricStore.OpenAsync(sqlitePath);
        var sqliteWatch = Stopwatch.StartNew();
        foreach (var batch in data.Hours())
        {
            await sqlite.WriteAsync(batch.Select(b => new SeriesSample(keys[b.Series], b.Ts, b.Value)).ToList());
        }

        sqliteWatch.Stop();

        Print("samples", total, "0");
        Print("raw_copy_samples_per_s", total / copy.Elapsed.TotalSeconds, "0");
        Print("postgres_store_samples_per_s", total / ours.Elapsed.TotalSeconds, "0");
        Print("postgres_store_vs_raw_copy_ratio", copy.Elapsed.TotalSeconds / ours.Elapsed.TotalSeconds, "0.00");
        Print("sqlite_store_samples_per_s", total / sqliteWatch.Elapsed.TotalSeconds, "0");

        var (withRollups, rawTier, bare) = await PostgresBytesAsync(dataSource);
        Print("postgres_bytes_per_sample_with_rollups", withRollups / (double)total, "0.00");
        Print("postgres_bytes_per_sample_raw_tier", rawTier / (double)total, "0.00");
        Print("bare_table_bytes_per_sample", bare / (double)total, "0.00");

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using (var checkpoint = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={sqlitePath}"))
        {
            await checkpoint.OpenAsync();
            await using var command = checkpoint.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync();
            // The raw tier — chunks, series and their indexes — as a copy of the file without the tier tables.
            var rawCopy = sqlitePath + ".raw";
            File.Delete(rawCopy);
            command.CommandText = $"VACUUM INTO '{rawCopy}';";
            await command.ExecuteNonQueryAsync();
            await using (var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={rawCopy};Pooling=False"))
            {
                await raw.OpenAsync();
                await using var drop = raw.CreateCommand();
                drop.CommandText = "DROP TABLE rollup_1m; DROP TABLE rollup_1h; VACUUM;";
                await drop.ExecuteNonQueryAsync();
            }

            Print("sqlite_bytes_per_sample_raw_tier", new FileInfo(rawCopy).Length / (double)total, "0.00");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var sqliteBytes = new FileInfo(sqlitePath).Length + (File.Exists(sqlitePath + "-wal") ? new FileInfo(sqlitePath + "-wal").Length : 0);
        Print("sqlite_bytes_per_sample_with_rollups", sqliteBytes / (double)total, "0.00");

        // The same samples for promtool's OpenMetrics backfill (timestamps in seconds).
        await using var file = new StreamWriter(openMetricsPath, false, new UTF8Encoding(false));
        await file.WriteAsync("# TYPE bench_metric gauge\n");
        foreach (var batch in data.Hours())
        {
            foreach (var (s, ts, v) in batch.OrderBy(b => b.Series))
            {
                await file.WriteAsync($"bench_metric{{series=\"s{s:D2}\"}} {v.ToString("R", CultureInfo.InvariantCulture)} {ts / 1000}\n");
            }
        }

        await file.WriteAsync("# EOF\n");
        Console.Error.WriteLine($"end_ms={end}");
        return 0;
    }

    /// <summary>
    /// Bytes on disk of the PostgreSQL store (tables with their indexes and TOAST): with the rollup tiers, the raw
    /// tier alone (the chunk partitions and the series table), and the bare reference table (0 when absent).
    /// </summary>
    public static async Task<(long WithRollups, long RawTier, long Bare)> PostgresBytesAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var size = new NpgsqlCommand("""
            SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
                    WHERE c.relkind = 'r' AND (c.relname LIKE 'metric\_chunks\_%' OR c.relname IN ('metric_series', 'rollup_1m_chunks', 'rollup_1h_chunks')))::bigint,
                   (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relkind = 'r' AND (c.relname LIKE 'metric\_chunks\_%' OR c.relname = 'metric_series'))::bigint,
                   coalesce(pg_total_relation_size(to_regclass('bench_raw')), 0)
            """, connection);
        await using var reader = await size.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>The dashboard's typical ranges, through both HTTP APIs, timed alike.</summary>
    public static async Task<int> QueryAsync(string ours, string prometheus, long endMs, int rounds)
    {
        // Our API wants a user (HTTP Basic); Prometheus ignores the header.
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("bench:bench-password"u8.ToArray()));
        var cases = new[]
        {
            ("1h_15s", endMs - 3_600_000, 15),
            ("24h_1m", endMs - 86_400_000, 60),
            ("30d_1h", endMs - 30L * 86_400_000, 3600),
        };
        foreach (var (name, start, step) in cases)
        {
            var url = $"/api/v1/query_range?query=bench_metric&start={start / 1000}&end={endMs / 1000}&step={step}";
            var ourPoints = await PointsAsync(http, ours + url);
            var theirPoints = await PointsAsync(http, prometheus + url);
            // Both servers warmed alike before timing: a dashboard answers such queries all day, and .NET
            // compiles its hot paths fully only after they have run for a while (Prometheus is compiled ahead).
            var warming = Stopwatch.StartNew();
            while (warming.Elapsed < WarmUp)
            {
                await TimeAsync(http, ours + url);
                await TimeAsync(http, prometheus + url);
            }

            var ourTimes = new List<double>();
            var theirTimes = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                ourTimes.Add(await TimeAsync(http, ours + url));
                theirTimes.Add(await TimeAsync(http, prometheus + url));
            }

            var (ourP50, ourP95) = (Figures.Percentile(ourTimes, 0.5), Figures.Percentile(ourTimes, 0.95));
            var (theirP50, theirP95) = (Figures.Percentile(theirTimes, 0.5), Figures.Percentile(theirTimes, 0.95));
            Figures.Print($"{name}_points_ours", ourPoints, "0");
            Figures.Print($"{name}_points_prometheus", theirPoints, "0");
            Figures.Print($"{name}_p50_ms_ours", ourP50, "0.0");
            Figures.Print($"{name}_p95_ms_ours", ourP95, "0.0");
            Figures.Print($"{name}_p50_ms_prometheus", theirP50, "0.0");
            Figures.Print($"{name}_p95_ms_prometheus", theirP95, "0.0");
            Figures.Print($"{name}_p50_ours_vs_prometheus_ratio", ourP50 / theirP50, "0.00");
            Figures.Print($"{name}_p95_ours_vs_prometheus_ratio", ourP95 / theirP95, "0.00");
        }

        return 0;
    }

    private static async Task<double> TimeAsync(HttpClient http, string url)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(url);
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<int> PointsAsync(HttpClient http, string url)
    {
        using var document = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(url));
        return document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Sum(s => s.GetProperty("values").GetArrayLength());
    }
}
