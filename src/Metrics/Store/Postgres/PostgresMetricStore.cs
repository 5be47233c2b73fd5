using System.Collections.Concurrent;
using Npgsql;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// The production store: raw samples in chunks of a series' hour (<see cref="SampleChunk"/>), in a table
/// range-partitioned by day (retention drops whole partitions); the rollup tiers in chunk rows of their own
/// (<see cref="TierChunk"/>); series in their own table, keyed by name and label text. Schema and writes are
/// in the partial files beside.
/// </summary>
public sealed partial class PostgresMetricStore : IMetricStore, IStoreSchema, IAsyncDisposable
{
    private const int SchemaVersion = 4;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<SeriesKey, long> _seriesIds = new();
    private readonly ConcurrentDictionary<DateOnly, bool> _partitions = new();
    private readonly SeriesCache _seriesCache = new();

    private PostgresMetricStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public string Description => "the metric store in PostgreSQL (Store:Postgres:Connection)";

    public static async Task<PostgresMetricStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var store = Create(connectionString);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    /// <summary>The store over its pool, without touching the database (<see cref="MigrateAsync"/> does, at start).</summary>
    public static PostgresMetricStore Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // The same few statements run for every write and read: planned once per connection, not per call.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        // The store keeps no session state across calls (its locks are transaction-scoped), so a pooled
        // connection needs no reset: Npgsql's reset (RESET ALL, CLOSE ALL, … to keep prepared statements) ran
        // on the server before every read, unless the connection string says otherwise.
        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("NoResetOnClose", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }

        return new PostgresMetricStore(builder.Build());
    }

    private static Task<List<(long Id, SeriesKey Key)>> FindSeriesAsync(NpgsqlConnection connection, SeriesSelector selector, CancellationToken cancellationToken) =>
        SeriesLookup.FindAsync(connection, "metric_series", selector, cancellationToken);

    public async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await SeriesLookup.NamesAsync(connection, "metric_series", cancellationToken);
    }

    public async Task<IReadOnlyList<SeriesKey>> ListSeriesAsync(SeriesSelector selector, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return (await FindSeriesAsync(connection, selector, cancellationToken)).Select(s => s.Key).ToList();
    }

    public async Task<IReadOnlyList<LatestSample>> LatestAsync(SeriesSelector selector, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // Each series' newest chunk; its last sample is the newest.
        var latest = await ReadSeriesAsync<LatestSample>(connection, selector, ids => new NpgsqlBatchCommand("""
            SELECT s.id, l.data FROM unnest($1::bigint[]) AS s(id)
            CROSS JOIN LATERAL (SELECT data FROM metric_chunks WHERE series_id = s.id ORDER BY start DESC LIMIT 1) l
            """) { Parameters = { new() { Value = ids } } }, async (reader, series, ct) =>
        {
            var keys = series.ToDictionary(s => s.Id, s => s.Key);
            var result = new List<LatestSample>();
            while (await reader.ReadAsync(ct))
            {
                var chunk = reader.GetFieldValue<byte[]>(1);
                if (SampleChunk.Count(chunk) > 0)
                {
                    result.Add(new LatestSample(keys[reader.GetInt64(0)], SampleChunk.Decode(chunk)[^1]));
                }
            }

            return (IReadOnlyList<LatestSample>)result;
        }, cancellationToken);
        return latest.OrderBy(r => r.Key.LabelText, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<RangeSeries>> QueryRangeAsync(RangeQuery query, CancellationToken cancellationToken = default)
    {
        query.Validate();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var tier = Rollups.Choose(query);
        Interlocked.Increment(ref _readsInFlight);
        try
        {
            return tier is null
                ? await ReadSeriesAsync(connection, query.Selector, ids => RawCommand(ids, query), (reader, series, ct) => ReadRawAsync(reader, series, query, ct), cancellationToken)
                : await ReadSeriesAsync(connection, query.Selector, ids => TierCommand(tier, ids, query), (reader, series, ct) => ReadTierAsync(reader, tier, series, query, ct), cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _readsInFlight);
        }
    }

    /// <summary>
    /// A read over the selector's series. With the series of its name cached (<see cref="SeriesCache"/>) the
    /// count check and the read go in one round trip; when the check finds the name changed, or nothing is
    /// cached, the series are looked up and the read sent after them.
    /// </summary>
    private async Task<IReadOnlyList<T>> ReadSeriesAsync<T>(
        NpgsqlConnection connection, SeriesSelector selector, Func<long[], NpgsqlBatchCommand> command,
        Func<NpgsqlDataReader, List<(long Id, SeriesKey Key)>, CancellationToken, Task<IReadOnlyList<T>>> read, CancellationToken cancellationToken)
    {
        if (_seriesCache.TryGet(selector.Name, out var cached))
        {
            var matched = cached.Matching(selector);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(SeriesCache.CheckCommand(selector.Name));
            if (matched.Count > 0)
            {
                batch.BatchCommands.Add(command(matched.Select(s => s.Id).ToArray()));
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt64(0) == cached.Count)
            {
                if (matched.Count == 0)
                {
                    return [];
                }

                await reader.NextResultAsync(cancellationToken);
                return await read(reader, matched, cancellationToken);
            }
        }

        var series = (await _seriesCache.LoadAsync(connection, selector.Name, cancellationToken)).Matching(selector);
        if (series.Count == 0)
        {
            return [];
        }

        await using var again = new NpgsqlBatch(connection) { BatchCommands = { command(series.Select(s => s.Id).ToArray()) } };
        await using var rows = await again.ExecuteReaderAsync(cancellationToken);
        return await read(rows, series, cancellationToken);
    }

    /// <summary>
    /// Folding is spread over the cores only when this is the one read running: under concurrent reads the cores
    /// are busy already, and a parallel loop per read only added thread hops and pool starvation (32 clients).
    /// </summary>
    private static void ForEachSeries(int count, Action<int> fold)
    {
        if (Volatile.Read(ref _readsInFlight) <= 1 && count > 1)
        {
            Parallel.For(0, count, fold);
            return;
        }

        for (var i = 0; i < count; i++)
        {
            fold(i);
        }
    }

    private static int _readsInFlight;

    private static NpgsqlBatchCommand RawCommand(long[] ids, RangeQuery query) => new(
        "SELECT series_id, data FROM metric_chunks WHERE series_id = ANY($1) AND start >= $2 AND start <= $3 ORDER BY series_id, start")
    {
        Parameters = { new() { Value = ids }, new() { Value = ChunkBatch.StartOf(query.FromMs) }, new() { Value = query.ToMs } },
    };

    /// <summary>The chunks that overlap the range, decoded and folded into steps series by series.</summary>
    private static async Task<IReadOnlyList<RangeSeries>> ReadRawAsync(
        NpgsqlDataReader reader, List<(long Id, SeriesKey Key)> series, RangeQuery query, CancellationToken cancellationToken)
    {
        var chunks = series.ToDictionary(s => s.Id, _ => new List<byte[]>());
        while (await reader.ReadAsync(cancellationToken))
        {
            chunks[reader.GetInt64(0)].Add(reader.GetFieldValue<byte[]>(1));
        }

        var points = new IReadOnlyList<Sample>[series.Count];
        ForEachSeries(series.Count, i =>
        {
            var steps = new StepFolder(query);
            foreach (var chunk in chunks[series[i].Id])
            {
                SampleChunk.FoldInto(chunk, steps, query.ToMs);
            }

            points[i] = steps.Finish();
        });

        return series.Select((s, i) => new RangeSeries(s.Key, points[i])).Where(s => s.Points.Count > 0).ToList();
    }

    private static NpgsqlBatchCommand TierCommand(RollupTier tier, long[] ids, RangeQuery query) => new(
        $"SELECT {TierChunk.ColumnsFor(query.Aggregation)} FROM {TierChunk.Table(tier)} WHERE series_id = ANY($1) AND chunk >= $2 AND chunk <= $3 ORDER BY series_id, chunk")
    {
        Parameters = { new() { Value = ids }, new() { Value = TierChunk.ChunkOf(query.FromMs) }, new() { Value = query.ToMs } },
    };

    private static async Task<IReadOnlyList<RangeSeries>> ReadTierAsync(
        NpgsqlDataReader reader, RollupTier tier, List<(long Id, SeriesKey Key)> series, RangeQuery query, CancellationToken cancellationToken)
    {
        var chunks = series.ToDictionary(s => s.Id, _ => new List<TierChunk.Encoded>());
        while (await reader.ReadAsync(cancellationToken))
        {
            var chunk = TierChunk.Encoded.Read(reader);
            chunks[chunk.SeriesId].Add(chunk);
        }

        var points = new IReadOnlyList<Sample>[series.Count];
        ForEachSeries(series.Count, i =>
        {
            var steps = new StepAccumulator(query);
            foreach (var chunk in chunks[series[i].Id])
            {
                chunk.AddTo(tier, steps);
            }

            points[i] = steps.Finish();
        });

        return series.Select((s, i) => new RangeSeries(s.Key, points[i])).Where(s => s.Points.Count > 0).ToList();
    }

    /// <summary>
    /// Raw samples go a whole day partition at a time (the day that ends before the cut-off); tier rows a whole
    /// chunk at a time (the chunk that ends before the cut-off), so each tier is kept up to one chunk longer.
    /// </summary>
    public async Task<int> EnforceRetentionAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await DropBeforeAsync(now - policy.Raw, cancellationToken) + await DeleteRollupsBeforeAsync(policy.TierCutoffs(now), cancellationToken);

    /// <summary>Deletes the tier chunks that end before each tier's cut-off; returns how many.</summary>
    private async Task<int> DeleteRollupsBeforeAsync(IReadOnlyDictionary<RollupTier, long> tierBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var deleted = 0;
        foreach (var (tier, before) in tierBefore)
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {TierChunk.Table(tier)} WHERE chunk <= $1 - $2", connection);
            command.Parameters.AddWithValue(before);
            command.Parameters.AddWithValue(TierChunk.ChunkMs);
            deleted += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return deleted;
    }

    /// <summary>Drops the day partitions (of sample chunks) that end before <paramref name="keepFrom"/>; returns how many.</summary>
    public async Task<int> DropBeforeAsync(DateTimeOffset keepFrom, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var dropped = 0;
        var lastDayToDrop = DateOnly.FromDateTime(keepFrom.UtcDateTime).AddDays(-1);
        foreach (var (name, day) in await PartitionsAsync(connection, "metric_chunks", cancellationToken))
        {
            if (day <= lastDayToDrop)
            {
                await ExecuteAsync(connection, $"DROP TABLE {name}", cancellationToken);
                _partitions.TryRemove(day, out _);
                dropped++;
            }
        }

        return dropped;
    }

    private static long ToMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
