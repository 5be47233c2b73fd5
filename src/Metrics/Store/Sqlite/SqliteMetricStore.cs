using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, so one writer and many readers never
/// block each other. Writes are serialized in-process and batched in one transaction.
/// </summary>
public sealed class SqliteMetricStore : IMetricStore, IStoreSchema
{
    private const int SchemaVersion = 2;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<SeriesKey, long> _seriesIds = new();

    private SqliteMetricStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens (creating or upgrading) the store file.</summary>
    public static async Task<SqliteMetricStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        var store = Create(path);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    /// <summary>The store over its file, without touching it (<see cref="MigrateAsync"/> does, at start).</summary>
    public static SqliteMetricStore Create(string path) => new(path);

    public string Description => $"the metric store at '{Path}' (Store:Sqlite:Path)";

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken);

        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT max(version) FROM schema_version;";
        var current = await read.ExecuteScalarAsync(cancellationToken) is long v ? (int)v : 0;
        if (current > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"The store file '{Path}' has schema version {current}, newer than this build understands ({SchemaVersion}).");
        }

        if (current < 1)
        {
            await ExecuteAsync(connection, """
                CREATE TABLE series (
                    id     INTEGER PRIMARY KEY,
                    name   TEXT NOT NULL,
                    labels TEXT NOT NULL,
                    UNIQUE (name, labels)
                );
                CREATE TABLE samples (
                    series_id INTEGER NOT NULL REFERENCES series(id),
                    ts        INTEGER NOT NULL,
                    value     REAL NOT NULL,
                    PRIMARY KEY (series_id, ts)
                ) WITHOUT ROWID;
                INSERT INTO schema_version (version) VALUES (1);
                """, cancellationToken);
        }

        if (current < 2)
        {
            // Version 2 adds the rollup tiers, filled from the samples already stored.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            foreach (var tier in RollupTier.All)
            {
                await ExecuteAsync(connection, $"""
                    CREATE TABLE {tier.Table} (
                        series_id INTEGER NOT NULL,
                        bucket    INTEGER NOT NULL,
                        min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
                        last_ts INTEGER NOT NULL, last REAL NOT NULL,
                        PRIMARY KEY (series_id, bucket)
                    ) WITHOUT ROWID;
                    INSERT INTO {tier.Table} (series_id, bucket, min, max, sum, count, last_ts, last)
                    SELECT a.series_id, a.b, a.mn, a.mx, a.sm, a.cnt, a.lt, s.value
                    FROM (SELECT series_id, (ts / {tier.Ms}) * {tier.Ms} AS b, min(value) AS mn, max(value) AS mx, sum(value) AS sm,
                                 count(*) AS cnt, max(ts) AS lt
                          FROM samples GROUP BY series_id, ts / {tier.Ms}) a
                    JOIN samples s ON s.series_id = a.series_id AND s.ts = a.lt;
                    """, cancellationToken, transaction);
            }

            await ExecuteAsync(connection, "INSERT INTO schema_version (version) VALUES (2);", cancellationToken, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<WriteResult> WriteAsync(IReadOnlyCollection<SeriesSample> samples, CancellationToken cancellationToken = default)
    {
        if (samples.Count == 0)
        {
            return WriteResult.Empty;
        }

        var refused = 0;
        string? reason = null;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT OR REPLACE INTO samples (series_id, ts, value) VALUES ($id, $ts, $value);";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var ts = insert.Parameters.Add("$ts", SqliteType.Integer);
            var value = insert.Parameters.Add("$value", SqliteType.Real);

            var stored = new List<(long, long, double)>(samples.Count);
            foreach (var sample in samples)
            {
                if (StoreRules.IsRefused(sample, out var why))
                {
                    refused++;
                    reason = why;
                    continue;
                }

                var seriesId = await GetOrCreateSeriesIdAsync(connection, transaction, sample.Key, cancellationToken);
                id.Value = seriesId;
                ts.Value = sample.TimestampMs;
                value.Value = sample.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
                stored.Add((seriesId, sample.TimestampMs, sample.Value));
            }

            await UpsertRollupsAsync(connection, transaction, stored, cancellationToken);

            await transaction.CommitAsync(cancellationToken);
            return new WriteResult(stored.Count, refused, reason);
        }
        catch
        {
            // A rolled-back transaction may have created series rows that no longer exist.
            _seriesIds.Clear();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Keeps the tiers current as data arrives: each batch is folded per bucket and merged into what is there.</summary>
    private static async Task UpsertRollupsAsync(SqliteConnection connection, SqliteTransaction transaction, List<(long, long, double)> stored, CancellationToken cancellationToken)
    {
        foreach (var tier in RollupTier.All)
        {
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = $"""
                INSERT INTO {tier.Table} (series_id, bucket, min, max, sum, count, last_ts, last) VALUES ($id, $bucket, $min, $max, $sum, $count, $last_ts, $last)
                ON CONFLICT (series_id, bucket) DO UPDATE SET
                    min = min(min, excluded.min), max = max(max, excluded.max), sum = sum + excluded.sum, count = count + excluded.count,
                    last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END, last_ts = max(last_ts, excluded.last_ts);
                """;
            var p = new[] { "$id", "$bucket", "$min", "$max", "$sum", "$count", "$last_ts", "$last" }
                .Select(n => upsert.Parameters.Add(n, n is "$id" or "$bucket" or "$count" or "$last_ts" ? SqliteType.Integer : SqliteType.Real)).ToArray();
            foreach (var row in Rollups.Fold(stored, tier))
            {
                p[0].Value = row.SeriesId;
                p[1].Value = row.BucketMs;
                p[2].Value = row.Min;
                p[3].Value = row.Max;
                p[4].Value = row.Sum;
                p[5].Value = row.Count;
                p[6].Value = row.LastTs;
                p[7].Value = row.Last;
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private async Task<long> GetOrCreateSeriesIdAsync(
        SqliteConnection connection, SqliteTransaction transaction, SeriesKey key, CancellationToken cancellationToken)
    {
        if (_seriesIds.TryGetValue(key, out var known))
        {
            return known;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO series (name, labels) VALUES ($name, $labels) ON CONFLICT (name, labels) DO NOTHING;
            SELECT id FROM series WHERE name = $name AND labels = $labels;
            """;
        command.Parameters.AddWithValue("$name", key.Name);
        command.Parameters.AddWithValue("$labels", key.LabelText);
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        _seriesIds[key] = id;
        return id;
    }

    public async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await SeriesLookup.NamesAsync(connection, "series", cancellationToken);
    }

    public async Task<IReadOnlyList<SeriesKey>> ListSeriesAsync(SeriesSelector selector, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return (await FindSeriesAsync(connection, selector, cancellationToken)).Select(s => s.Key).ToList();
    }

    /// <summary>
    /// A read transaction, so that the statements of one read (one per series) all see the same moment: without
    /// it a batch written between two of them showed as half applied (the conformance suite's torn-read test).
    /// </summary>
    /// Deferred: it takes no lock until its first read, and in WAL mode readers never block the writer.
    /// (Microsoft.Data.Sqlite has no asynchronous BEGIN with this option; BEGIN DEFERRED itself reads nothing.)
    private static SqliteTransaction ReadSnapshot(SqliteConnection connection) => connection.BeginTransaction(deferred: true);

    private static Task<List<(long Id, SeriesKey Key)>> FindSeriesAsync(SqliteConnection connection, SeriesSelector selector, CancellationToken cancellationToken, SqliteTransaction? snapshot = null) =>
        SeriesLookup.FindAsync(connection, "series", selector, cancellationToken, snapshot);

    public async Task<IReadOnlyList<LatestSample>> LatestAsync(SeriesSelector selector, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var snapshot = ReadSnapshot(connection);
        var result = new List<LatestSample>();
        // One statement for every series, prepared once.
        await using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = "SELECT ts, value FROM samples WHERE series_id = $id ORDER BY ts DESC LIMIT 1;";
        var idParameter = command.Parameters.Add("$id", SqliteType.Integer);
        foreach (var (id, key) in await FindSeriesAsync(connection, selector, cancellationToken, snapshot))
        {
            idParameter.Value = id;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                result.Add(new LatestSample(key, new Sample(reader.GetInt64(0), reader.GetDouble(1))));
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<RangeSeries>> QueryRangeAsync(RangeQuery query, CancellationToken cancellationToken = default)
    {
        query.Validate();
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var snapshot = ReadSnapshot(connection);
        var tier = Rollups.Choose(query);
        // One statement for every series (the tier's, or the raw samples'), prepared once.
        await using var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = tier is null
            ? "SELECT ts, value FROM samples WHERE series_id = $id AND ts >= $from AND ts <= $to ORDER BY ts;"
            : $"SELECT bucket, min, max, sum, count, last_ts, last FROM {tier.Table} WHERE series_id = $id AND bucket >= $from AND bucket <= $to ORDER BY bucket;";
        var idParameter = command.Parameters.Add("$id", SqliteType.Integer);
        command.Parameters.AddWithValue("$from", query.FromMs);
        command.Parameters.AddWithValue("$to", query.ToMs);
        var result = new List<RangeSeries>();
        foreach (var (id, key) in await FindSeriesAsync(connection, query.Selector, cancellationToken, snapshot))
        {
            idParameter.Value = id;
            var points = tier is null ? await ReadRawAsync(command, query, cancellationToken) : await ReadTierAsync(command, id, query, cancellationToken);
            if (points.Count > 0)
            {
                result.Add(new RangeSeries(key, points));
            }
        }

        return result;
    }

    private static async Task<IReadOnlyList<Sample>> ReadRawAsync(SqliteCommand command, RangeQuery query, CancellationToken cancellationToken)
    {
        var raw = new List<Sample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            raw.Add(new Sample(reader.GetInt64(0), reader.GetDouble(1)));
        }

        return StepBuckets.Aggregate(raw, query);
    }

    private static async Task<IReadOnlyList<Sample>> ReadTierAsync(SqliteCommand command, long id, RangeQuery query, CancellationToken cancellationToken)
    {
        var steps = new StepAccumulator(query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            steps.Add(new RollupRow(id, reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetDouble(6)));
        }

        return steps.Finish();
    }

    public Task<int> EnforceRetentionAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        DeleteBeforeAsync((now - policy.Raw).ToUnixTimeMilliseconds(), policy.TierCutoffs(now), cancellationToken);

    /// <summary>Deletes raw samples before <paramref name="rawBefore"/> and tier buckets before each tier's cut-off.</summary>
    private async Task<int> DeleteBeforeAsync(long rawBefore, IReadOnlyDictionary<RollupTier, long> tierBefore, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM samples WHERE ts < $before;";
            command.Parameters.AddWithValue("$before", rawBefore);
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            foreach (var (tier, before) in tierBefore)
            {
                await using var tierCommand = connection.CreateCommand();
                tierCommand.CommandText = $"DELETE FROM {tier.Table} WHERE bucket < $before;";
                tierCommand.Parameters.AddWithValue("$before", before);
                deleted += await tierCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            return deleted;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
