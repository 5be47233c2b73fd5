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
        var series = await FindSeriesAsync(connection, selector, cancellationToken);
        if (series.Count == 0)
        {
            return [];
        }

        // Each series' newest chunk; its last sample is the newest.
        await using var command = new NpgsqlCommand("""
            SELECT s.id, l.data FROM unnest($1::bigint[]) AS s(id)
            CROSS JOIN LATERAL (SELECT data FROM metric_chunks WHERE series_id = s.id ORDER BY start DESC LIMIT 1) l
            """, connection);
        command.Parameters.AddWithValue(series.Select(s => s.Id).ToArray());
        var keys = series.ToDictionary(s => s.Id, s => s.Key);
        var result = new List<LatestSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var chunk = reader.GetFieldValue<byte[]>(1);
            if (SampleChunk.Count(chunk) > 0)
            {
                result.Add(new LatestSample(keys[reader.GetInt64(0)], SampleChunk.Decode(chunk)[^1]));
            }
        }

        return result.OrderBy(r => r.Key.LabelText, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<RangeSeries>> QueryRangeAsync(RangeQuery query, CancellationToken cancellationToken = default)
    {
        query.Validate();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var series = await FindSeriesAsync(connection, query.Selector, cancellationToken);
        if (series.Count == 0)
        {
            return [];
        }

        var tier = Rollups.Choose(query);
        if (tier is not null)
        {
            return await ReadTierAsync(connection, tier, series, query, cancellationToken);
        }

        return await ReadRawAsync(connection, series, query, cancellationToken);
    }

    /// <summary>The chunks that overlap the range, decoded and folded into steps series by series.</summary>
    private static async Task<IReadOnlyList<RangeSeries>> ReadRawAsync(
        NpgsqlConnection connection, List<(long Id, SeriesKey Key)> series, RangeQuery query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT series_id, data FROM metric_chunks WHERE series_id = ANY($1) AND start >= $2 AND start <= $3 ORDER BY series_id, start", connection);
        command.Parameters.AddWithValue(series.Select(s => s.Id).ToArray());
        command.Parameters.AddWithValue(ChunkBatch.StartOf(query.FromMs));
        command.Parameters.AddWithValue(query.ToMs);
        var chunks = series.ToDictionary(s => s.Id, _ => new List<byte[]>());
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                chunks[reader.GetInt64(0)].Add(reader.GetFieldValue<byte[]>(1));
            }
        }

        // Decoding is CPU work on rows already read: spread over the cores, as the tiers' folding is.
        var points = new IReadOnlyList<Sample>[series.Count];
        Parallel.For(0, series.Count, i =>
        {
            var raw = new List<Sample>(chunks[series[i].Id].Count * 256);
            foreach (var chunk in chunks[series[i].Id])
            {
                SampleChunk.DecodeInto(chunk, raw, query.FromMs, query.ToMs);
            }

            points[i] = StepBuckets.Aggregate(raw, query);
        });

        return series.Select((s, i) => new RangeSeries(s.Key, points[i])).Where(s => s.Points.Count > 0).ToList();
    }

    private static async Task<IReadOnlyList<RangeSeries>> ReadTierAsync(
        NpgsqlConnection connection, RollupTier tier, List<(long Id, SeriesKey Key)> series, RangeQuery query, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {TierChunk.ColumnsFor(query.Aggregation)} FROM {TierChunk.Table(tier)} WHERE series_id = ANY($1) AND chunk >= $2 AND chunk <= $3 ORDER BY series_id, chunk",
            connection);
        command.Parameters.AddWithValue(series.Select(s => s.Id).ToArray());
        command.Parameters.AddWithValue(TierChunk.ChunkOf(query.FromMs));
        command.Parameters.AddWithValue(query.ToMs);
        var chunks = series.ToDictionary(s => s.Id, _ => new List<TierChunk.Encoded>());
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var chunk = TierChunk.Encoded.Read(reader);
                chunks[chunk.SeriesId].Add(chunk);
            }
        }

        // Folding is CPU work on rows already read, series by series: spread over the cores.
        var points = new IReadOnlyList<Sample>[series.Count];
        Parallel.For(0, series.Count, i =>
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
