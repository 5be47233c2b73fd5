using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, so one writer and many readers never
/// block each other. Writes are serialized in-process and batched in one transaction.
/// </summary>
public sealed class SqliteMetricStore : IMetricStore
{
    private const int SchemaVersion = 1;

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
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var store = new SqliteMetricStore(path);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
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
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
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

            var written = 0;
            foreach (var sample in samples)
            {
                if (StoreRules.IsRefused(sample, out var why))
                {
                    refused++;
                    reason = why;
                    continue;
                }

                id.Value = await GetOrCreateSeriesIdAsync(connection, transaction, sample.Key, cancellationToken);
                ts.Value = sample.TimestampMs;
                value.Value = sample.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
                written++;
            }

            await transaction.CommitAsync(cancellationToken);
            return new WriteResult(written, refused, reason);
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

    public async Task<IReadOnlyList<SeriesKey>> ListSeriesAsync(SeriesSelector selector, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return (await FindSeriesAsync(connection, selector, cancellationToken)).Select(s => s.Key).ToList();
    }

    private static async Task<List<(long Id, SeriesKey Key)>> FindSeriesAsync(
        SqliteConnection connection, SeriesSelector selector, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, labels FROM series WHERE name = $name ORDER BY labels;";
        command.Parameters.AddWithValue("$name", selector.Name);
        var found = new List<(long, SeriesKey)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = new SeriesKey(selector.Name, SeriesKey.ParseLabels(reader.GetString(1)));
            if (selector.Matches(key))
            {
                found.Add((reader.GetInt64(0), key));
            }
        }

        return found;
    }

    public async Task<IReadOnlyList<LatestSample>> LatestAsync(SeriesSelector selector, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var result = new List<LatestSample>();
        foreach (var (id, key) in await FindSeriesAsync(connection, selector, cancellationToken))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT ts, value FROM samples WHERE series_id = $id ORDER BY ts DESC LIMIT 1;";
            command.Parameters.AddWithValue("$id", id);
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
        var result = new List<RangeSeries>();
        foreach (var (id, key) in await FindSeriesAsync(connection, query.Selector, cancellationToken))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT ts, value FROM samples WHERE series_id = $id AND ts >= $from AND ts <= $to ORDER BY ts;";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$from", query.FromMs);
            command.Parameters.AddWithValue("$to", query.ToMs);
            var raw = new List<Sample>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    raw.Add(new Sample(reader.GetInt64(0), reader.GetDouble(1)));
                }
            }

            var points = StepBuckets.Aggregate(raw, query);
            if (points.Count > 0)
            {
                result.Add(new RangeSeries(key, points));
            }
        }

        return result;
    }
}
