using X0tta6bl4.Ops.Tests;
using Microsoft.Data.Sqlite;
using Npgsql;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>
/// A store written by version 1 (no rollups) opens under this build with its data, and the tiers filled from it;
/// a PostgreSQL store of version 2 (a row per tier bucket) keeps every bucket, even those whose samples are gone.
/// </summary>
public sealed class SchemaUpgradeTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-upgrade-").FullName;
    private readonly TemporaryDatabase _database = new();

    // 2026-11-20 00:00 UTC; four samples over two minutes.
    private const long Start = 1_795_132_800_000;

    // Version 1's PostgreSQL tables (version 2 added the tier tables), and the four samples in them.
    private const string PostgresVersion1Tables = """
        CREATE TABLE metric_schema_version (version integer NOT NULL);
        CREATE TABLE metric_series (id bigserial PRIMARY KEY, name text NOT NULL, labels text NOT NULL, UNIQUE (name, labels));
        CREATE TABLE metric_samples (series_id bigint NOT NULL, ts timestamptz NOT NULL, value double precision NOT NULL) PARTITION BY RANGE (ts);
        CREATE INDEX metric_samples_series_ts ON metric_samples (series_id, ts);
        CREATE TABLE metric_samples_20261120 PARTITION OF metric_samples FOR VALUES FROM ('2026-11-20T00:00:00Z') TO ('2026-11-21T00:00:00Z');
        """;

    private const string PostgresSamples = """
        INSERT INTO metric_series (id, name, labels) VALUES (1, 'm', 'job="api"');
        INSERT INTO metric_samples VALUES (1, '2026-11-20T00:00:00Z', 1), (1, '2026-11-20T00:00:30Z', 3), (1, '2026-11-20T00:01:00Z', 5), (1, '2026-11-20T00:01:30Z', 7);
        """;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Sqlite_Version1File_KeepsItsSamplesAndGetsRollups()
    {
        var path = Path.Combine(_dir, "v1.db");
        await using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                CREATE TABLE schema_version (version INTEGER NOT NULL);
                CREATE TABLE series (id INTEGER PRIMARY KEY, name TEXT NOT NULL, labels TEXT NOT NULL, UNIQUE (name, labels));
                CREATE TABLE samples (series_id INTEGER NOT NULL REFERENCES series(id), ts INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (series_id, ts)) WITHOUT ROWID;
                INSERT INTO schema_version VALUES (1);
                INSERT INTO series VALUES (1, 'm', 'job="api"');
                INSERT INTO samples VALUES (1, {Start}, 1), (1, {Start + 30_000}, 3), (1, {Start + 60_000}, 5), (1, {Start + 90_000}, 7);
                """;
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var store = await SqliteMetricStore.OpenAsync(path, TestContext.Current.CancellationToken);

        await AssertUpgradedAsync(store);
    }

    [Fact]
    public async Task Postgres_Version1Schema_KeepsItsSamplesAndGetsRollups()
    {
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"""
                {PostgresVersion1Tables}
                INSERT INTO metric_schema_version VALUES (1);
                {PostgresSamples}
                """, connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        await using var store = await PostgresMetricStore.OpenAsync(_database.ConnectionString, TestContext.Current.CancellationToken);

        await AssertUpgradedAsync(store);
    }

    [Fact]
    public async Task Postgres_Version2Schema_KeepsItsTierBuckets()
    {
        var ct = TestContext.Current.CancellationToken;
        const long dayBefore = Start - 86_400_000;
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync(ct);
            var tiers = string.Concat(new[] { "rollup_1m", "rollup_1h" }.Select(t => $"""
                CREATE TABLE {t} (series_id bigint NOT NULL, bucket bigint NOT NULL, min double precision NOT NULL, max double precision NOT NULL,
                                  sum double precision NOT NULL, count bigint NOT NULL, last_ts bigint NOT NULL, last double precision NOT NULL,
                                  PRIMARY KEY (series_id, bucket));
                """));
            await using var command = new NpgsqlCommand($"""
                {PostgresVersion1Tables}
                {tiers}
                INSERT INTO metric_schema_version VALUES (1), (2);
                {PostgresSamples}
                -- The day before: its samples already dropped by retention, only the tiers remember it.
                INSERT INTO rollup_1m VALUES (1, {Start}, 1, 3, 4, 2, {Start + 30_000}, 3), (1, {Start + 60_000}, 5, 7, 12, 2, {Start + 90_000}, 7),
                                             (1, {dayBefore + 120_000}, 10, 20, 30, 2, {dayBefore + 150_000}, 20);
                INSERT INTO rollup_1h VALUES (1, {Start}, 1, 7, 16, 4, {Start + 90_000}, 7), (1, {dayBefore}, 10, 20, 30, 2, {dayBefore + 150_000}, 20);
                """, connection);
            await command.ExecuteNonQueryAsync(ct);
        }

        await using var store = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);

        var selector = SeriesSelector.Where("m", ("job", "api"));
        var minutes = await store.QueryRangeAsync(new RangeQuery(selector, dayBefore, dayBefore + 3_599_999, 60_000, Aggregation.Avg), ct);
        var hours = await store.QueryRangeAsync(new RangeQuery(selector, dayBefore, dayBefore + 3_599_999, 3_600_000, Aggregation.Max), ct);
        Assert.Equal([(dayBefore + 120_000, 15.0)], minutes.Single().Points.Select(p => (p.TimestampMs, p.Value)));
        Assert.Equal([(dayBefore, 20.0)], hours.Single().Points.Select(p => (p.TimestampMs, p.Value)));
        await AssertUpgradedAsync(store);
    }

    private static async Task AssertUpgradedAsync(IMetricStore store)
    {
        var ct = TestContext.Current.CancellationToken;
        var selector = SeriesSelector.Where("m", ("job", "api"));
        // Raw (30 s steps) and the 1 min tier (60 s steps) both answer from the old data.
        var raw = await store.QueryRangeAsync(new RangeQuery(selector, Start, Start + 119_999, 30_000, Aggregation.Last), ct);
        var minute = await store.QueryRangeAsync(new RangeQuery(selector, Start, Start + 119_999, 60_000, Aggregation.Avg), ct);
        var last = await store.QueryRangeAsync(new RangeQuery(selector, Start, Start + 119_999, 60_000, Aggregation.Last), ct);

        Assert.Equal([1.0, 3, 5, 7], raw.Single().Points.Select(p => p.Value));
        Assert.Equal([2.0, 6], minute.Single().Points.Select(p => p.Value));
        Assert.Equal([3.0, 7], last.Single().Points.Select(p => p.Value));

        // And new writes keep the tiers current on top of the backfill.
        await store.WriteAsync([new SeriesSample(SeriesKey.Of("m", ("job", "api")), Start + 100_000, 9)], ct);
        var after = await store.QueryRangeAsync(new RangeQuery(selector, Start, Start + 119_999, 60_000, Aggregation.Max), ct);
        Assert.Equal([3.0, 9], after.Single().Points.Select(p => p.Value));
    }
}
