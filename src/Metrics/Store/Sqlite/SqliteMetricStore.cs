using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, so one writer and many readers never
/// block each other. Writes are serialized in-process and batched in one transaction. Raw samples are kept
/// in chunks of a series' hour (<see cref="SampleChunk"/>); schema and writes are in the partial files beside.
/// </summary>
public sealed partial class SqliteMetricStore : IMetricStore, IStoreSchema
{
    private const int SchemaVersion = 3;

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
        command.CommandText = "SELECT data FROM sample_chunks WHERE series_id = $id ORDER BY start DESC LIMIT 1;";
        var idParameter = command.Parameters.Add("$id", SqliteType.Integer);
        foreach (var (id, key) in await FindSeriesAsync(connection, selector, cancellationToken, snapshot))
        {
            idParameter.Value = id;
            if (await command.ExecuteScalarAsync(cancellationToken) is byte[] chunk && SampleChunk.Count(chunk) > 0)
            {
                result.Add(new LatestSample(key, SampleChunk.Decode(chunk)[^1]));
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
            ? "SELECT data FROM sample_chunks WHERE series_id = $id AND start >= $chunkFrom AND start <= $to ORDER BY start;"
            : $"SELECT bucket, min, max, sum, count, last_ts, last FROM {tier.Table} WHERE series_id = $id AND bucket >= $from AND bucket <= $to ORDER BY bucket;";
        var idParameter = command.Parameters.Add("$id", SqliteType.Integer);
        command.Parameters.AddWithValue("$from", query.FromMs);
        command.Parameters.AddWithValue("$to", query.ToMs);
        command.Parameters.AddWithValue("$chunkFrom", ChunkBatch.StartOf(query.FromMs));
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
        // Only the chunks that overlap the range are read, and only their samples inside it kept.
        var steps = new StepFolder(query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            SampleChunk.FoldInto((byte[])reader.GetValue(0), steps, query.ToMs);
        }

        return steps.Finish();
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

    /// <summary>
    /// Deletes the raw chunks that end by <paramref name="rawBefore"/> (whole chunks: raw samples are kept up to
    /// an hour longer) and tier buckets before each tier's cut-off.
    /// </summary>
    private async Task<int> DeleteBeforeAsync(long rawBefore, IReadOnlyDictionary<RollupTier, long> tierBefore, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM sample_chunks WHERE start <= $before - $window;";
            command.Parameters.AddWithValue("$before", rawBefore);
            command.Parameters.AddWithValue("$window", ChunkBatch.WindowMs);
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
