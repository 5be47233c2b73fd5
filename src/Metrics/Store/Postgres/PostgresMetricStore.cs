using System.Collections.Concurrent;
using Npgsql;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// The production store: raw samples in chunks of a series' hour (<see cref="SampleChunk"/>), each row with its
/// hour's summary (<see cref="ChunkSummary"/>), in a table range-partitioned by day (retention drops whole
/// partitions, folding them into the tiers); the rollup tiers in chunk rows of their own (<see cref="TierChunk"/>),
/// only for hours without raw chunks (<see cref="MinuteTier"/>; the 1-h tier's answer for an hour with one is its
/// summary); series in their own table, keyed by name and label text. Schema and writes are in the partial files beside.
/// </summary>
public sealed partial class PostgresMetricStore : IMetricStore, IStoreSchema, IAsyncDisposable
{
    private const int SchemaVersion = 6;

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
        // Each series' newest chunk: the last sample of its summary is the series' newest (no chunk bytes read or decoded).
        var latest = await ReadSeriesAsync<LatestSample>(connection, selector, ids => [new NpgsqlBatchCommand("""
            SELECT s.id, l.last_ts, l.last FROM unnest($1::bigint[]) AS s(id)
            CROSS JOIN LATERAL (SELECT last_ts, last FROM metric_chunks WHERE series_id = s.id ORDER BY start DESC LIMIT 1) l
            """) { Parameters = { new() { Value = ids } } }], async (reader, series, ct) =>
        {
            var keys = series.ToDictionary(s => s.Id, s => s.Key);
            var result = new List<LatestSample>();
            while (await reader.ReadAsync(ct))
            {
                result.Add(new LatestSample(keys[reader.GetInt64(0)], new Sample(reader.GetInt64(1), reader.GetDouble(2))));
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
            if (tier is null)
            {
                return await ReadSeriesAsync(connection, query.Selector, ids => [RawCommand(ids, query)], (reader, series, ct) => ReadRawAsync(reader, series, query, ct), cancellationToken);
            }

            // The tiers hold only the hours whose raw chunks are gone (MinuteTier; a chunk row carries its hour's
            // summary): the chunks and the tier are both read, in one round trip.
            return tier == RollupTier.Minute
                ? await ReadSeriesAsync(connection, query.Selector, ids => [RawCommand(ids, query), TierCommand(tier, ids, query)], (reader, series, ct) => ReadMinutesAsync(reader, series, query, ct), cancellationToken)
                : await ReadSeriesAsync(connection, query.Selector, ids => [SummaryCommand(ids, query), TierCommand(tier, ids, query)], (reader, series, ct) => ReadHoursAsync(reader, series, query, ct), cancellationToken);
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
        NpgsqlConnection connection, SeriesSelector selector, Func<long[], NpgsqlBatchCommand[]> commands,
        Func<NpgsqlDataReader, List<(long Id, SeriesKey Key)>, CancellationToken, Task<IReadOnlyList<T>>> read, CancellationToken cancellationToken)
    {
        if (_seriesCache.TryGet(selector.Name, out var cached))
        {
            var matched = cached.Matching(selector);
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(SeriesCache.CheckCommand(selector.Name));
            if (matched.Count > 0)
            {
                foreach (var command in commands(matched.Select(s => s.Id).ToArray()))
                {
                    batch.BatchCommands.Add(command);
                }
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

        await using var again = new NpgsqlBatch(connection);
        foreach (var command in commands(series.Select(s => s.Id).ToArray()))
        {
            again.BatchCommands.Add(command);
        }

        await using var rows = await again.ExecuteReaderAsync(cancellationToken);
        return await read(rows, series, cancellationToken);
    }

    /// <summary>
    /// Folding is spread over the cores only when this is the one read running and it has enough chunks to fold
    /// (a 24-h read's thousand and more; an hour's hundred fold in a fraction of a millisecond, less than the hand-off
    /// costs): under concurrent reads the cores are busy already, and a parallel loop per read only added thread hops
    /// and pool starvation (32 clients).
    /// </summary>
    private static void ForEachSeries(int count, int chunks, Action<int> fold)
    {
        if (Volatile.Read(ref _readsInFlight) <= 1 && count > 1 && chunks >= 400)
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
        "SELECT series_id, data, start FROM metric_chunks WHERE series_id = ANY($1) AND start >= $2 AND start <= $3 ORDER BY series_id, start")
    {
        Parameters = { new() { Value = ids }, new() { Value = ChunkBatch.StartOf(query.FromMs) }, new() { Value = query.ToMs } },
    };

    /// <summary>The chunks that overlap the range, decoded and folded into steps series by series.</summary>
    private static async Task<IReadOnlyList<RangeSeries>> ReadRawAsync(
        NpgsqlDataReader reader, List<(long Id, SeriesKey Key)> series, RangeQuery query, CancellationToken cancellationToken)
    {
        using var chunks = new ChunkArena(series.Select(s => s.Id));
        while (await reader.ReadAsync(cancellationToken))
        {
            chunks.Add(reader, 0, 1);
        }

        var points = new IReadOnlyList<Sample>[series.Count];
        ForEachSeries(series.Count, chunks.Count, i =>
        {
            var steps = new StepFolder(query);
            foreach (var chunk in chunks.Of(series[i].Id))
            {
                SampleChunk.FoldInto(chunks.Bytes(chunk), steps, query.FromMs, query.ToMs);
            }

            points[i] = steps.Finish();
        });

        return series.Select((s, i) => new RangeSeries(s.Key, points[i])).Where(s => s.Points.Count > 0).ToList();
    }

    /// <summary>A 1-min read: the raw chunks (first result) and the tier's chunks (second), hour by hour into the steps.</summary>
    private static async Task<IReadOnlyList<RangeSeries>> ReadMinutesAsync(
        NpgsqlDataReader reader, List<(long Id, SeriesKey Key)> series, RangeQuery query, CancellationToken cancellationToken)
    {
        var raw = series.ToDictionary(s => s.Id, _ => new List<(long, byte[])>());
        while (await reader.ReadAsync(cancellationToken))
        {
            raw[reader.GetInt64(0)].Add((reader.GetInt64(2), reader.GetFieldValue<byte[]>(1)));
        }

        await reader.NextResultAsync(cancellationToken);
        var tier = series.ToDictionary(s => s.Id, _ => new List<(long, TierChunk.Encoded)>());
        while (await reader.ReadAsync(cancellationToken))
        {
            var chunk = TierChunk.Encoded.Read(reader);
            tier[chunk.SeriesId].Add((chunk.StartMs, chunk));
        }

        var points = new IReadOnlyList<Sample>[series.Count];
        ForEachSeries(series.Count, raw.Values.Sum(c => c.Count) + tier.Values.Sum(c => c.Count), i =>
            points[i] = MinuteTier.Fold(query, series[i].Id, raw[series[i].Id], tier[series[i].Id], (chunk, sink) => chunk.AddTo(RollupTier.Minute, sink)));
        return series.Select((s, i) => new RangeSeries(s.Key, points[i])).Where(s => s.Points.Count > 0).ToList();
    }

    private static NpgsqlBatchCommand TierCommand(RollupTier tier, long[] ids, RangeQuery query) => new(
        $"SELECT {TierChunk.ColumnsFor(query.Aggregation)} FROM {TierChunk.Table(tier)} WHERE series_id = ANY($1) AND chunk >= $2 AND chunk <= $3 ORDER BY series_id, chunk")
    {
        Parameters = { new() { Value = ids }, new() { Value = TierChunk.ChunkOf(query.FromMs) }, new() { Value = query.ToMs } },
    };

    /// <summary>A chunk row's key and hour summary, as <see cref="SummaryRow"/> reads them.</summary>
    private const string SummaryColumns = "series_id, start, min, max, sum, count, last_ts, last";

    /// <summary>A row selected with <see cref="SummaryColumns"/>, as the 1-h tier's row for that hour.</summary>
    private static RollupRow SummaryRow(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetDouble(7));

    /// <summary>The hour summaries of the raw chunks that overlap the range (the 1-h tier's answer for those hours).</summary>
    private static NpgsqlBatchCommand SummaryCommand(long[] ids, RangeQuery query) => new(
        $"SELECT {SummaryColumns} FROM metric_chunks WHERE series_id = ANY($1) AND start >= $2 AND start <= $3 ORDER BY series_id, start")
    {
        Parameters = { new() { Value = ids }, new() { Value = ChunkBatch.StartOf(query.FromMs) }, new() { Value = query.ToMs } },
    };

    /// <summary>
    /// A 1-h read: the chunks' summaries (first result) and the tier's chunks (second), merged hour by hour — an hour
    /// in both (samples written after its raw chunk went) is both pieces, which the steps merge as one bucket.
    /// </summary>
    private static async Task<IReadOnlyList<RangeSeries>> ReadHoursAsync(
        NpgsqlDataReader reader, List<(long Id, SeriesKey Key)> series, RangeQuery query, CancellationToken cancellationToken)
    {
        var hours = series.ToDictionary(s => s.Id, _ => new List<RollupRow>());
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = SummaryRow(reader);
            hours[row.SeriesId].Add(row);
        }

        await reader.NextResultAsync(cancellationToken);
        var tier = series.ToDictionary(s => s.Id, _ => new RowList());
        while (await reader.ReadAsync(cancellationToken))
        {
            var chunk = TierChunk.Encoded.Read(reader);
            chunk.AddTo(RollupTier.Hour, tier[chunk.SeriesId]);
        }

        var points = new IReadOnlyList<Sample>[series.Count];
        for (var s = 0; s < series.Count; s++)
        {
            var (raw, kept) = (hours[series[s].Id], tier[series[s].Id]);
            var steps = new StepAccumulator(query);
            int i = 0, j = 0;
            while (i < raw.Count || j < kept.Count)
            {
                steps.Add(j == kept.Count || (i < raw.Count && raw[i].BucketMs <= kept[j].BucketMs) ? raw[i++] : kept[j++]);
            }

            points[s] = steps.Finish();
        }

        return series.Select((s, i) => new RangeSeries(s.Key, points[i])).Where(s => s.Points.Count > 0).ToList();
    }

    /// <summary>Tier rows kept as they come, in bucket order.</summary>
    private sealed class RowList : List<RollupRow>, IRollupSink
    {
        void IRollupSink.Add(in RollupRow row) => Add(row);
    }

    /// <summary>
    /// Raw samples go a whole day partition at a time (the day that ends before the cut-off), folded into the tiers
    /// as they go (<see cref="MinuteTier"/>, the chunks' hour summaries); tier rows a whole chunk at a time (the chunk that ends before the
    /// cut-off), so each tier is kept up to one chunk longer.
    /// </summary>
    public async Task<int> EnforceRetentionAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var cutoffs = policy.TierCutoffs(now);
        return await DropBeforeAsync(now - policy.Raw, cutoffs, cancellationToken) + await DeleteRollupsBeforeAsync(cutoffs, cancellationToken);
    }

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

    /// <summary>
    /// Drops the day partitions (of sample chunks) that end before <paramref name="keepFrom"/>, each in one
    /// transaction with its samples folded into the 1-min tier and its chunks' hour summaries into the 1-h tier
    /// (those each tier still keeps, from its cut-off in <paramref name="tierKeepFromMs"/>): a crash leaves the day
    /// either raw or folded, never both or neither. Returns how many partitions went.
    /// </summary>
    public async Task<int> DropBeforeAsync(DateTimeOffset keepFrom, IReadOnlyDictionary<RollupTier, long> tierKeepFromMs, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var dropped = 0;
        var lastDayToDrop = DateOnly.FromDateTime(keepFrom.UtcDateTime).AddDays(-1);
        foreach (var (name, day) in await PartitionsAsync(connection, "metric_chunks", cancellationToken))
        {
            if (day <= lastDayToDrop)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await FoldIntoMinutesAsync(connection, name, tierKeepFromMs[RollupTier.Minute], cancellationToken);
                await FoldIntoHoursAsync(connection, name, tierKeepFromMs[RollupTier.Hour], cancellationToken);
                await ExecuteAsync(connection, $"DROP TABLE {name}", cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                _partitions.TryRemove(day, out _);
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>Drops the day partitions that end before <paramref name="keepFrom"/>, folding all of their samples into the tiers.</summary>
    public Task<int> DropBeforeAsync(DateTimeOffset keepFrom, CancellationToken cancellationToken = default) =>
        DropBeforeAsync(keepFrom, RollupTier.All.ToDictionary(t => t, _ => long.MinValue), cancellationToken);

    /// <summary>A day partition's hour summaries into the 1-h tier (from its cut-off), merged into what the tier holds already.</summary>
    private static async Task FoldIntoHoursAsync(NpgsqlConnection connection, string partition, long hourKeepFromMs, CancellationToken cancellationToken)
    {
        var rows = new List<RollupRow>();
        await using (var read = new NpgsqlCommand($"SELECT {SummaryColumns} FROM {partition} WHERE start > $1", connection))
        {
            read.Parameters.AddWithValue(hourKeepFromMs == long.MinValue ? long.MinValue : hourKeepFromMs - ChunkBatch.WindowMs);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(SummaryRow(reader));
            }
        }

        if (rows.Count > 0)
        {
            await WriteRollupsAsync(connection, [(RollupTier.Hour, TierChunk.Group(RollupTier.Hour, rows))], cancellationToken);
        }
    }

    /// <summary>
    /// A day partition's samples into the 1-min tier, a few hundred series at a time (a day of 5,000 series is
    /// 29 million samples), merged into what the tier holds already.
    /// </summary>
    private static async Task FoldIntoMinutesAsync(NpgsqlConnection connection, string partition, long minuteKeepFromMs, CancellationToken cancellationToken)
    {
        // The chunks that end after the tier's cut-off: older ones the tier would delete at once.
        var after = minuteKeepFromMs == long.MinValue ? long.MinValue : minuteKeepFromMs - ChunkBatch.WindowMs;
        var ids = new List<long>();
        await using (var list = new NpgsqlCommand($"SELECT DISTINCT series_id FROM {partition} WHERE start > $1 ORDER BY 1", connection))
        {
            list.Parameters.AddWithValue(after);
            await using var reader = await list.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        foreach (var group in ids.Chunk(200))
        {
            var samples = new List<(long SeriesId, long TimestampMs, double Value)>();
            await using (var read = new NpgsqlCommand($"SELECT series_id, data FROM {partition} WHERE series_id = ANY($1) AND start > $2", connection))
            {
                read.Parameters.AddWithValue(group);
                read.Parameters.AddWithValue(after);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    var id = reader.GetInt64(0);
                    foreach (var sample in SampleChunk.Decode(reader.GetFieldValue<byte[]>(1)))
                    {
                        samples.Add((id, sample.TimestampMs, sample.Value));
                    }
                }
            }

            await WriteRollupsAsync(connection, [(RollupTier.Minute, TierChunk.Group(RollupTier.Minute, samples))], cancellationToken);
        }
    }

    private static long ToMs(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
