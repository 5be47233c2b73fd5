using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode, so one writer and many readers never
/// block each other. Writes are serialized in-process and batched in one transaction. Raw samples are kept
/// in chunks of a series' hour (<see cref="SampleChunk"/>), the 1-min tier only for hours whose chunks retention
/// has taken (<see cref="MinuteTier"/>); schema and writes are in the partial files beside.
/// </summary>
public sealed partial class SqliteMetricStore : IMetricStore, IStoreSchema
{
    private const int SchemaVersion = 4;

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
        // One statement for every series (the raw samples', and the tier's), each prepared once.
        await using var rawCommand = RangeCommand(connection, snapshot, "SELECT data, start FROM sample_chunks WHERE series_id = $id AND start >= $chunkFrom AND start <= $to ORDER BY start;", query);
        await using var tierCommand = tier is null ? null : RangeCommand(connection, snapshot,
            $"SELECT bucket, min, max, sum, count, last_ts, last FROM {tier.Table} WHERE series_id = $id AND bucket >= $from AND bucket <= $to ORDER BY bucket;", query);
        var result = new List<RangeSeries>();
        foreach (var (id, key) in await FindSeriesAsync(connection, query.Selector, cancellationToken, snapshot))
        {
            rawCommand.Parameters["$id"].Value = id;
            tierCommand?.Parameters["$id"].Value = id;
            var points = tier is null ? await ReadRawAsync(rawCommand, query, cancellationToken)
                : tier == RollupTier.Minute ? await ReadMinutesAsync(rawCommand, tierCommand!, id, query, cancellationToken)
                : await ReadTierAsync(tierCommand!, id, query, cancellationToken);
            if (points.Count > 0)
            {
                result.Add(new RangeSeries(key, points));
            }
        }

        return result;
    }

    private static SqliteCommand RangeCommand(SqliteConnection connection, SqliteTransaction snapshot, string sql, RangeQuery query)
    {
        var command = connection.CreateCommand();
        command.Transaction = snapshot;
        command.CommandText = sql;
        command.Parameters.Add("$id", SqliteType.Integer);
        command.Parameters.AddWithValue("$from", query.FromMs);
        command.Parameters.AddWithValue("$to", query.ToMs);
        command.Parameters.AddWithValue("$chunkFrom", ChunkBatch.StartOf(query.FromMs));
        return command;
    }

    /// <summary>A 1-min read: the series' raw chunks and its tier rows (hours whose chunks are gone), hour by hour into the steps.</summary>
    private static async Task<IReadOnlyList<Sample>> ReadMinutesAsync(SqliteCommand rawCommand, SqliteCommand tierCommand, long id, RangeQuery query, CancellationToken cancellationToken)
    {
        var raw = new List<(long, byte[])>();
        await using (var reader = await rawCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                raw.Add((reader.GetInt64(1), (byte[])reader.GetValue(0)));
            }
        }

        var tier = new List<(long HourMs, List<RollupRow> Rows)>();
        await using (var reader = await tierCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = ReadRow(reader, id);
                var hour = ChunkBatch.StartOf(row.BucketMs);
                if (tier.Count == 0 || tier[^1].HourMs != hour)
                {
                    tier.Add((hour, []));
                }

                tier[^1].Rows.Add(row);
            }
        }

        return MinuteTier.Fold(query, id, raw, tier, (rows, sink) => rows.ForEach(r => sink.Add(r)));
    }

    private static RollupRow ReadRow(SqliteDataReader reader, long id) =>
        new(id, reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetDouble(6));

    private static async Task<IReadOnlyList<Sample>> ReadRawAsync(SqliteCommand command, RangeQuery query, CancellationToken cancellationToken)
    {
        // Only the chunks that overlap the range are read, and only their samples inside it kept.
        var steps = new StepFolder(query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            SampleChunk.FoldInto((byte[])reader.GetValue(0), steps, query.FromMs, query.ToMs);
        }

        return steps.Finish();
    }

    private static async Task<IReadOnlyList<Sample>> ReadTierAsync(SqliteCommand command, long id, RangeQuery query, CancellationToken cancellationToken)
    {
        var steps = new StepAccumulator(query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            steps.Add(ReadRow(reader, id));
        }

        return steps.Finish();
    }

    public Task<int> EnforceRetentionAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        DeleteBeforeAsync((now - policy.Raw).ToUnixTimeMilliseconds(), policy.TierCutoffs(now), cancellationToken);

    /// <summary>
    /// Deletes the raw chunks that end by <paramref name="rawBefore"/> (whole chunks: raw samples are kept up to
    /// an hour longer), folding those the 1-min tier still keeps into it (<see cref="MinuteTier"/>), and tier
    /// buckets before each tier's cut-off — in one transaction, so a crash leaves each chunk raw or folded.
    /// </summary>
    private async Task<int> DeleteBeforeAsync(long rawBefore, IReadOnlyDictionary<RollupTier, long> tierBefore, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT series_id, data FROM sample_chunks WHERE start <= $before - $window AND start > $minuteBefore - $window;";
                read.Parameters.AddWithValue("$before", rawBefore);
                read.Parameters.AddWithValue("$window", ChunkBatch.WindowMs);
                read.Parameters.AddWithValue("$minuteBefore", tierBefore[RollupTier.Minute]);
                var samples = new List<(long, long, double)>();
                await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var id = reader.GetInt64(0);
                        samples.AddRange(SampleChunk.Decode((byte[])reader.GetValue(1)).Select(s => (id, s.TimestampMs, s.Value)));
                    }
                }

                await UpsertRollupsAsync(connection, transaction, [RollupTier.Minute], samples, cancellationToken);
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM sample_chunks WHERE start <= $before - $window;";
            command.Parameters.AddWithValue("$before", rawBefore);
            command.Parameters.AddWithValue("$window", ChunkBatch.WindowMs);
            var deleted = await command.ExecuteNonQueryAsync(cancellationToken);
            foreach (var (tier, before) in tierBefore)
            {
                await using var tierCommand = connection.CreateCommand();
                tierCommand.Transaction = transaction;
                tierCommand.CommandText = $"DELETE FROM {tier.Table} WHERE bucket < $before;";
                tierCommand.Parameters.AddWithValue("$before", before);
                deleted += await tierCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return deleted;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
