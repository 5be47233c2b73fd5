using System.Buffers.Binary;
using Microsoft.Data.Sqlite;
using Npgsql;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>
/// The last row-per-sample schemas (PostgreSQL version 3, SQLite version 2) open under this build with every
/// sample moved into chunks — those older than the raw retention too, which retention then drops as it always
/// did, folding them into the tiers — with the same tier answers, the tiers kept only for hours without chunks (the
/// 1-min tier on both stores; the 1-h tier on PostgreSQL, whose chunk rows carry their hour's summary).
/// </summary>
public sealed class ChunkUpgradeTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-chunk-upgrade-").FullName;
    private readonly TemporaryDatabase _database = new();

    private const long Recent = 1_795_132_800_000; // 2026-11-20 00:00 UTC
    private const long Old = Recent - 19 * 86_400_000L; // 2026-11-01, older than the 15 days of raw retention

    private static readonly (long Ts, double Value)[] RecentSamples = [(Recent, 1), (Recent + 30_000, 3), (Recent + 60_000, 5), (Recent + 90_000, 7), (Recent + 3_600_000 + 7, -0.25)];
    private static readonly (long Ts, double Value)[] OldSamples = [(Old + 120_000, 10), (Old + 150_000, double.PositiveInfinity)];

    // The tier buckets of those samples: (tier ms, bucket, min, max, sum, count, last_ts, last).
    private static readonly (long TierMs, long Bucket, double Min, double Max, double Sum, long Count, long LastTs, double Last)[] Buckets =
    [
        (60_000, Recent, 1, 3, 4, 2, Recent + 30_000, 3), (60_000, Recent + 60_000, 5, 7, 12, 2, Recent + 90_000, 7),
        (60_000, Recent + 3_600_000, -0.25, -0.25, -0.25, 1, Recent + 3_600_007, -0.25),
        (3_600_000, Recent, 1, 7, 16, 4, Recent + 90_000, 7), (3_600_000, Recent + 3_600_000, -0.25, -0.25, -0.25, 1, Recent + 3_600_007, -0.25),
        (60_000, Old + 120_000, 10, double.PositiveInfinity, double.PositiveInfinity, 2, Old + 150_000, double.PositiveInfinity),
        (3_600_000, Old, 10, double.PositiveInfinity, double.PositiveInfinity, 2, Old + 150_000, double.PositiveInfinity),
    ];

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Postgres_Version3_ConvertsEverySampleIntoChunks_AndKeepsTheTiers()
    {
        var ct = TestContext.Current.CancellationToken;
        await ExecutePostgresAsync(PostgresVersion3(), ct);

        await using var store = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);

        await AssertConvertedAsync(store);
        Assert.Equal(6, await ScalarAsync("SELECT max(version) FROM metric_schema_version", ct));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM rollup_1m_chunks", ct)); // every hour still has its raw chunk
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM rollup_1h_chunks", ct)); // … whose row carries the hour's summary
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM pg_class WHERE relname LIKE 'metric\\_samples%'", ct));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'metric_chunks'", ct));
        await AssertRetentionAfterUpgradeAsync(store);
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM rollup_1m_chunks", ct)); // the old hour, folded as its day went
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM rollup_1h_chunks", ct));
    }

    [Fact]
    public async Task Sqlite_Version2_ConvertsEverySampleIntoChunks_AndKeepsTheTiers()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, "v2.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = SqliteVersion2();
            await command.ExecuteNonQueryAsync(ct);
        }

        var store = await SqliteMetricStore.OpenAsync(path, ct);

        await AssertConvertedAsync(store);
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT max(version) FROM schema_version), (SELECT count(*) FROM sqlite_master WHERE name = 'samples'), (SELECT count(*) FROM sample_chunks), (SELECT count(*) FROM rollup_1m);";
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            // Chunks: two recent hours, one old; no 1-min buckets, every hour still having its chunk.
            Assert.Equal((4L, 0L, 3L, 0L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        await AssertRetentionAfterUpgradeAsync(store);
    }

    private static SeriesSelector Selector => SeriesSelector.Where("m", ("job", "api"));

    /// <summary>Every sample reads back exactly (one per 1-ms step, bit for bit), and the tiers answer as before.</summary>
    private static async Task AssertConvertedAsync(IMetricStore store)
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var (samples, hour) in new[] { (RecentSamples, Recent), (OldSamples, Old) })
        {
            var raw = await store.QueryRangeAsync(new RangeQuery(Selector, hour, hour + 2 * 3_600_000 - 1, 1_000, Aggregation.Last), ct);
            Assert.Equal(samples.Select(s => (s.Ts / 1000 * 1000, BitConverter.DoubleToInt64Bits(s.Value))), raw.Single().Points.Select(p => (p.TimestampMs, BitConverter.DoubleToInt64Bits(p.Value))));
        }

        var minutes = await store.QueryRangeAsync(new RangeQuery(Selector, Recent, Recent + 119_999, 60_000, Aggregation.Avg), ct);
        var oldHour = await store.QueryRangeAsync(new RangeQuery(Selector, Old, Old + 3_599_999, 3_600_000, Aggregation.Max), ct);
        Assert.Equal([2.0, 6], minutes.Single().Points.Select(p => p.Value));
        Assert.Equal(double.PositiveInfinity, oldHour.Single().Points.Single().Value);
        Assert.Equal(new Sample(Recent + 3_600_007, -0.25), (await store.LatestAsync(Selector, ct)).Single().Sample);

        // New samples append to the converted chunks and keep the tiers current; a repeat is refused, not counted twice.
        var key = SeriesKey.Of("m", ("job", "api"));
        var result = await store.WriteAsync([new SeriesSample(key, Recent + 100_000, 9), new SeriesSample(key, Recent + 90_000, 8)], ct);
        Assert.Equal((1, 1), (result.Written, result.Refused));
        var after = await store.QueryRangeAsync(new RangeQuery(Selector, Recent, Recent + 119_999, 60_000, Aggregation.Max), ct);
        var raw2 = await store.QueryRangeAsync(new RangeQuery(Selector, Recent, Recent + 119_999, 10_000, Aggregation.Last), ct);
        Assert.Equal([3.0, 9], after.Single().Points.Select(p => p.Value));
        Assert.Equal([1.0, 3, 5, 7, 9], raw2.Single().Points.Select(p => p.Value));
    }

    /// <summary>
    /// Retention as of the recent day drops the old samples as whole chunks or partitions, folding them into the
    /// 1-min tier, and both tiers still answer for them.
    /// </summary>
    private static async Task AssertRetentionAfterUpgradeAsync(IMetricStore store)
    {
        var ct = TestContext.Current.CancellationToken;
        await store.EnforceRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(15), TimeSpan.FromDays(35), TimeSpan.FromDays(400)), DateTimeOffset.FromUnixTimeMilliseconds(Recent + 43_200_000), ct);

        Assert.Empty(await store.QueryRangeAsync(new RangeQuery(Selector, Old, Old + 3_599_999, 1_000, Aggregation.Count), ct));
        Assert.Equal(2.0, (await store.QueryRangeAsync(new RangeQuery(Selector, Old, Old + 3_599_999, 3_600_000, Aggregation.Count), ct)).Single().Points.Single().Value);
        var oldMinutes = await store.QueryRangeAsync(new RangeQuery(Selector, Old, Old + 3_599_999, 60_000, Aggregation.Max), ct);
        Assert.Equal([new Sample(Old + 120_000, double.PositiveInfinity)], oldMinutes.Single().Points);
        Assert.Equal(6, (await store.QueryRangeAsync(new RangeQuery(Selector, Recent, Recent + 7_199_999, 1_000, Aggregation.Count), ct)).Single().Points.Count); // with the one written since
    }

    private static string PostgresVersion3()
    {
        static string Day(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyyMMdd");
        static string At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var sql = new System.Text.StringBuilder("""
            CREATE TABLE metric_schema_version (version integer NOT NULL);
            INSERT INTO metric_schema_version VALUES (1), (2), (3);
            CREATE TABLE metric_series (id bigserial PRIMARY KEY, name text NOT NULL, labels text NOT NULL, UNIQUE (name, labels));
            INSERT INTO metric_series (id, name, labels) VALUES (1, 'm', 'job="api"');
            CREATE TABLE metric_samples (series_id bigint NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL) PARTITION BY RANGE (ts);
            CREATE INDEX metric_samples_series_ts ON metric_samples (series_id, ts);
            """);
        foreach (var day in new[] { Recent, Old })
        {
            sql.Append($"CREATE TABLE metric_samples_{Day(day)} PARTITION OF metric_samples FOR VALUES FROM ('{At(day)}') TO ('{At(day + 86_400_000)}');\n");
        }

        foreach (var (ts, value) in RecentSamples.Concat(OldSamples))
        {
            sql.Append($"INSERT INTO metric_samples VALUES (1, '{At(ts)}', '{Pg(value)}');\n");
        }

        // Version 3's tiers: a row per series and hour, each field 8 big-endian bytes per bucket position.
        foreach (var (tier, positions) in new[] { ("1m", 60), ("1h", 1) })
        {
            var tierMs = 3_600_000 / positions;
            sql.Append($"""
                CREATE TABLE rollup_{tier}_chunks (series_id bigint NOT NULL, chunk bigint NOT NULL, min bytea NOT NULL, max bytea NOT NULL, sum bytea NOT NULL,
                                                   count bytea NOT NULL, last_ts bytea NOT NULL, last bytea NOT NULL, PRIMARY KEY (series_id, chunk));
                """);
            foreach (var chunk in Buckets.Where(b => b.TierMs == tierMs).GroupBy(b => b.Bucket / 3_600_000 * 3_600_000))
            {
                var fields = new byte[6][];
                for (var f = 0; f < 6; f++)
                {
                    fields[f] = new byte[positions * 8];
                }

                foreach (var b in chunk)
                {
                    var at = (int)((b.Bucket - chunk.Key) / tierMs) * 8;
                    BinaryPrimitives.WriteDoubleBigEndian(fields[0].AsSpan(at), b.Min);
                    BinaryPrimitives.WriteDoubleBigEndian(fields[1].AsSpan(at), b.Max);
                    BinaryPrimitives.WriteDoubleBigEndian(fields[2].AsSpan(at), b.Sum);
                    BinaryPrimitives.WriteInt64BigEndian(fields[3].AsSpan(at), b.Count);
                    BinaryPrimitives.WriteInt64BigEndian(fields[4].AsSpan(at), b.LastTs);
                    BinaryPrimitives.WriteDoubleBigEndian(fields[5].AsSpan(at), b.Last);
                }

                sql.Append($"INSERT INTO rollup_{tier}_chunks VALUES (1, {chunk.Key}, {string.Join(", ", fields.Select(f => $"'\\x{Convert.ToHexString(f)}'::bytea"))});\n");
            }
        }

        return sql.ToString();
    }

    private static string SqliteVersion2()
    {
        var sql = new System.Text.StringBuilder("""
            CREATE TABLE schema_version (version INTEGER NOT NULL);
            INSERT INTO schema_version VALUES (1), (2);
            CREATE TABLE series (id INTEGER PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL, UNIQUE (name, labels));
            INSERT INTO series VALUES (1, 'm', 'job="api"');
            CREATE TABLE samples (series_id INTEGER NOT NULL REFERENCES series(id), ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (series_id, ts)) WITHOUT ROWID;
            """);
        foreach (var (ts, value) in RecentSamples.Concat(OldSamples))
        {
            sql.Append($"INSERT INTO samples VALUES (1, {ts}, {Sqlite(value)});\n");
        }

        foreach (var tier in new[] { "1m", "1h" })
        {
            sql.Append($"""
                CREATE TABLE rollup_{tier} (series_id INTEGER NOT NULL, bucket INTEGER NOT NULL, min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL,
                                            count INTEGER NOT NULL, last_ts INTEGER NOT NULL, last REAL NOT NULL, PRIMARY KEY (series_id, bucket)) WITHOUT ROWID;
                """);
        }

        foreach (var b in Buckets)
        {
            sql.Append($"INSERT INTO rollup_{(b.TierMs == 60_000 ? "1m" : "1h")} VALUES (1, {b.Bucket}, {Sqlite(b.Min)}, {Sqlite(b.Max)}, {Sqlite(b.Sum)}, {b.Count}, {b.LastTs}, {Sqlite(b.Last)});\n");
        }

        return sql.ToString();
    }

    private static string Pg(double value) => double.IsPositiveInfinity(value) ? "Infinity" : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    // SQLite reads 9e999 as +Inf.
    private static string Sqlite(double value) => double.IsPositiveInfinity(value) ? "9e999" : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private async Task ExecutePostgresAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }
}
