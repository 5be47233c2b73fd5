using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// The production store: samples in a PostgreSQL table range-partitioned by day (retention drops whole
/// partitions), written with binary COPY; series in their own table, keyed by name and label text.
/// </summary>
public sealed class PostgresMetricStore : IMetricStore, IStoreSchema, IAsyncDisposable
{
    private const int SchemaVersion = 3;

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

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "SELECT pg_advisory_lock(74062); CREATE TABLE IF NOT EXISTS metric_schema_version (version integer NOT NULL);", cancellationToken);
        try
        {
            await using var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM metric_schema_version", connection);
            var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
            if (current > SchemaVersion)
            {
                throw new InvalidOperationException($"The metric store has schema version {current}, newer than this build understands ({SchemaVersion}).");
            }

            if (current < 1)
            {
                await ExecuteAsync(connection, """
                    BEGIN;
                    CREATE TABLE metric_series (
                        id     bigserial PRIMARY KEY,
                        name   text NOT NULL,
                        labels text NOT NULL,
                        UNIQUE (name, labels)
                    );
                    CREATE TABLE metric_samples (
                        series_id bigint NOT NULL,
                        ts        timestamptz NOT NULL,
                        value     double precision NOT NULL
                    ) PARTITION BY RANGE (ts);
                    CREATE INDEX metric_samples_series_ts ON metric_samples (series_id, ts);
                    INSERT INTO metric_schema_version (version) VALUES (1);
                    COMMIT;
                    """, cancellationToken);
            }

            if (current < 2)
            {
                // Version 2 adds the rollup tiers, filled from the samples already stored.
                var sql = new System.Text.StringBuilder("BEGIN;");
                foreach (var tier in RollupTier.All)
                {
                    sql.Append($"""
                        CREATE TABLE {tier.Table} (
                            series_id bigint NOT NULL, bucket bigint NOT NULL,
                            min double precision NOT NULL, max double precision NOT NULL, sum double precision NOT NULL, count bigint NOT NULL,
                            last_ts bigint NOT NULL, last double precision NOT NULL,
                            PRIMARY KEY (series_id, bucket)
                        );
                        INSERT INTO {tier.Table}
                        SELECT series_id, b, min(value), max(value), sum(value), count(*), max(ms), (array_agg(value ORDER BY ms DESC))[1]
                        FROM (SELECT series_id, value, (extract(epoch FROM ts) * 1000)::bigint AS ms,
                                     floor(extract(epoch FROM ts) * 1000 / {tier.Ms})::bigint * {tier.Ms} AS b FROM metric_samples) s
                        GROUP BY series_id, b;
                        """);
                }

                sql.Append("INSERT INTO metric_schema_version (version) VALUES (2); COMMIT;");
                await ExecuteAsync(connection, sql.ToString(), cancellationToken);
            }

            if (current < 3)
            {
                await ExecuteAsync(connection, ChunkTiersMigration(), cancellationToken);
            }
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(74062)", CancellationToken.None);
        }
    }

    /// <summary>
    /// Version 3 keeps each tier as one row per series and chunk (<see cref="TierChunk"/>): the bucket rows of
    /// version 2 are packed into their chunks (empty positions with count 0) and the old tables dropped.
    /// </summary>
    private static string ChunkTiersMigration()
    {
        var sql = new System.Text.StringBuilder("BEGIN;");
        foreach (var tier in RollupTier.All)
        {
            var size = TierChunk.ChunkMs;
            var old = tier.Table; // version 2's table of bucket rows
            sql.Append(TierChunk.CreateTableSql(tier)).Append($"""
                INSERT INTO {TierChunk.Table(tier)} ({TierChunk.Columns})
                SELECT k.series_id, k.chunk,
                       string_agg(float8send(coalesce(r.min, 0)), ''::bytea ORDER BY i), string_agg(float8send(coalesce(r.max, 0)), ''::bytea ORDER BY i),
                       string_agg(float8send(coalesce(r.sum, 0)), ''::bytea ORDER BY i), string_agg(int8send(coalesce(r.count, 0)), ''::bytea ORDER BY i),
                       string_agg(int8send(coalesce(r.last_ts, 0)), ''::bytea ORDER BY i), string_agg(float8send(coalesce(r.last, 0)), ''::bytea ORDER BY i)
                FROM (SELECT DISTINCT series_id, bucket - ((bucket % {size}) + {size}) % {size} AS chunk FROM {old}) k
                CROSS JOIN generate_series(0, {size / tier.Ms - 1}) AS i
                LEFT JOIN {old} r ON r.series_id = k.series_id AND r.bucket = k.chunk + i * {tier.Ms}
                GROUP BY k.series_id, k.chunk;
                DROP TABLE {old};
                """);
        }

        return sql.Append("INSERT INTO metric_schema_version (version) VALUES (3); COMMIT;").ToString();
    }

    public async Task<WriteResult> WriteAsync(IReadOnlyCollection<SeriesSample> samples, CancellationToken cancellationToken = default)
    {
        var accepted = new List<SeriesSample>(samples.Count);
        var refused = 0;
        string? reason = null;
        foreach (var sample in samples)
        {
            if (StoreRules.IsRefused(sample, out var why))
            {
                refused++;
                reason = why;
            }
            else
            {
                accepted.Add(sample);
            }
        }

        if (accepted.Count == 0)
        {
            return new WriteResult(0, refused, reason);
        }

        try
        {
            return await WriteAcceptedAsync(accepted, refused, reason, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // A partition this process knew of was dropped (retention elsewhere): forget them, the retry recreates it.
            _partitions.Clear();
            throw;
        }
    }

    private async Task<WriteResult> WriteAcceptedAsync(List<SeriesSample> accepted, int refused, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        // One pass for the rows, the days the batch touches (usually one) and the series this process has not met yet.
        var days = new List<DateOnly>(1);
        var unknown = new HashSet<SeriesKey>();
        var rows = new List<(long SeriesId, long TimestampMs, double Value)>(accepted.Count);
        foreach (var sample in accepted)
        {
            var day = DayOf(sample.TimestampMs);
            if (!days.Contains(day))
            {
                days.Add(day);
            }

            if (!_seriesIds.TryGetValue(sample.Key, out var id))
            {
                unknown.Add(sample.Key);
            }

            rows.Add((id, sample.TimestampMs, sample.Value));
        }

        await EnsurePartitionsAsync(connection, days, cancellationToken);
        if (unknown.Count > 0)
        {
            await RegisterSeriesAsync(connection, unknown, cancellationToken);
            for (var i = 0; i < rows.Count; i++)
            {
                rows[i] = rows[i] with { SeriesId = _seriesIds[accepted[i].Key] };
            }
        }

        // Samples and their rollups in one transaction: a failed write leaves nothing behind to be doubled by the retry.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Straight into each day's partition: the same rows, without the parent table's tuple routing.
        var byDay = days.Count == 1 ? null : rows.ToLookup(r => DayOf(r.TimestampMs));
        foreach (var day in days)
        {
            await using var writer = await connection.BeginBinaryImportAsync($"COPY {PartitionName(day)} (series_id, ts, value) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var (seriesId, timestampMs, value) in byDay is null ? rows : byDay[day])
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(seriesId, NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(value, NpgsqlDbType.Double, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        var tiers = FoldTiers(rows);
        await WriteRollupsAsync(connection, tiers, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new WriteResult(accepted.Count, refused, reason);
    }

    /// <summary>The batch's chunks per tier: 1-min from the samples, 1-h from the 1-min buckets (a sixtieth of the folding).</summary>
    private static List<(RollupTier Tier, Dictionary<(long SeriesId, long StartMs), TierChunk> Chunks)> FoldTiers(List<(long SeriesId, long TimestampMs, double Value)> samples)
    {
        var minutes = TierChunk.Group(RollupTier.Minute, samples);
        var hours = TierChunk.Group(RollupTier.Hour, minutes.Values.SelectMany(c => c.Rows(RollupTier.Minute)));
        return [(RollupTier.Hour, hours), (RollupTier.Minute, minutes)];
    }

    /// <summary>
    /// Keeps the tiers current as data arrives: the batch's chunks are inserted where there is none yet (a
    /// backfill's chunks all are new); those that exist are merged (<see cref="MergeIntoStoredAsync"/>).
    /// Writers take this step one at a time (a lock held to the commit), so a second writer reads the first
    /// one's chunks instead of racing it.
    /// </summary>
    private static async Task WriteRollupsAsync(
        NpgsqlConnection connection, List<(RollupTier Tier, Dictionary<(long SeriesId, long StartMs), TierChunk> Chunks)> tiers, CancellationToken cancellationToken)
    {
        // The lock, and every chunk inserted where there is none yet — a backfill's chunks all are new.
        var stored = new List<(RollupTier Tier, Dictionary<(long SeriesId, long StartMs), TierChunk> Chunks)>();
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(74064)"));
            foreach (var (tier, chunks) in tiers)
            {
                batch.BatchCommands.Add(InsertChunks(tier, chunks.Values, "ON CONFLICT (series_id, chunk) DO NOTHING RETURNING series_id, chunk"));
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            foreach (var (tier, chunks) in tiers)
            {
                await reader.NextResultAsync(cancellationToken); // past the lock's result, then the previous tier's
                var left = new Dictionary<(long SeriesId, long StartMs), TierChunk>(chunks);
                while (await reader.ReadAsync(cancellationToken))
                {
                    left.Remove((reader.GetInt64(0), reader.GetInt64(1)));
                }

                if (left.Count > 0)
                {
                    stored.Add((tier, left));
                }
            }
        }

        if (stored.Count > 0)
        {
            await MergeIntoStoredAsync(connection, stored, cancellationToken);
        }

    }

    /// <summary>Chunks that exist already: taken out, folded into this batch's, and put back.</summary>
    private static async Task MergeIntoStoredAsync(
        NpgsqlConnection connection, List<(RollupTier Tier, Dictionary<(long SeriesId, long StartMs), TierChunk> Chunks)> tiers, CancellationToken cancellationToken)
    {
        await using (var batch = new NpgsqlBatch(connection))
        {
            foreach (var (tier, chunks) in tiers)
            {
                var take = new NpgsqlBatchCommand($"""
                    DELETE FROM {TierChunk.Table(tier)} t USING unnest($1::bigint[], $2::bigint[]) AS k(series_id, chunk)
                    WHERE t.series_id = k.series_id AND t.chunk = k.chunk
                    RETURNING t.series_id, t.chunk, t.min, t.max, t.sum, t.count, t.last_ts, t.last
                    """);
                take.Parameters.AddWithValue(chunks.Keys.Select(k => k.SeriesId).ToArray());
                take.Parameters.AddWithValue(chunks.Keys.Select(k => k.StartMs).ToArray());
                batch.BatchCommands.Add(take);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            var first = true;
            foreach (var (tier, chunks) in tiers)
            {
                if (!first)
                {
                    await reader.NextResultAsync(cancellationToken);
                }

                first = false;
                while (await reader.ReadAsync(cancellationToken))
                {
                    var chunk = TierChunk.Read(reader);
                    chunks[(chunk.SeriesId, chunk.StartMs)].Add(tier, chunk);
                }
            }
        }

        await using (var batch = new NpgsqlBatch(connection))
        {
            foreach (var (tier, chunks) in tiers)
            {
                batch.BatchCommands.Add(InsertChunks(tier, chunks.Values, ""));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// An INSERT of whole chunks from array parameters: a handful of rows per tier and batch, where a COPY's
    /// set-up would cost more than its rows.
    /// </summary>
    private static NpgsqlBatchCommand InsertChunks(RollupTier tier, IReadOnlyCollection<TierChunk> chunks, string tail)
    {
        var insert = new NpgsqlBatchCommand($"""
            INSERT INTO {TierChunk.Table(tier)} ({TierChunk.Columns})
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::bytea[], $5::bytea[], $6::bytea[], $7::bytea[], $8::bytea[])
            {tail}
            """);
        var encoded = chunks.Select(c => c.Encode()).ToList();
        insert.Parameters.AddWithValue(chunks.Select(c => c.SeriesId).ToArray());
        insert.Parameters.AddWithValue(chunks.Select(c => c.StartMs).ToArray());
        for (var field = 0; field < 6; field++)
        {
            insert.Parameters.AddWithValue(encoded.Select(e => e[field]).ToArray());
        }

        return insert;
    }

    /// <summary>One partition per UTC day, created before the first sample of that day is written.</summary>
    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        foreach (var day in days)
        {
            if (_partitions.ContainsKey(day))
            {
                continue;
            }

            // IF NOT EXISTS alone is not safe against another writer creating the same day at the same moment
            // ("already exists"), so creations are taken one at a time under a lock held to the commit.
            var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            await ExecuteAsync(connection, $"""
                BEGIN;
                SELECT pg_advisory_xact_lock(74063);
                CREATE TABLE IF NOT EXISTS {PartitionName(day)} PARTITION OF metric_samples FOR VALUES FROM ('{from:yyyy-MM-dd}T00:00:00Z') TO ('{from.AddDays(1):yyyy-MM-dd}T00:00:00Z');
                COMMIT;
                """, cancellationToken);
            _partitions[day] = true;
        }
    }

    private static string PartitionName(DateOnly day) => $"metric_samples_{day:yyyyMMdd}";

    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static DateOnly DayOf(long timestampMs) => DateOnly.FromDayNumber(EpochDayNumber + (int)Math.Floor(timestampMs / 86_400_000.0));

    /// <summary>Gives each new series its id (made by this or another writer) and remembers it.</summary>
    private async Task RegisterSeriesAsync(NpgsqlConnection connection, IReadOnlyCollection<SeriesKey> keys, CancellationToken cancellationToken)
    {
        var missing = keys.ToList();
        // Rows inserted by the CTE are not visible to the join in the same statement, hence the UNION.
        // A key a concurrent writer was inserting at that moment comes back in neither: try it again.
        for (var attempt = 0; missing.Count > 0 && attempt < 3; attempt++)
        {
            await using var command = new NpgsqlCommand("""
                WITH input AS (SELECT * FROM unnest($1::text[], $2::text[]) AS k(name, labels)),
                     inserted AS (INSERT INTO metric_series (name, labels) SELECT name, labels FROM input
                                  ON CONFLICT (name, labels) DO NOTHING RETURNING id, name, labels)
                SELECT id, name, labels FROM inserted
                UNION ALL
                SELECT s.id, s.name, s.labels FROM metric_series s JOIN input USING (name, labels)
                """, connection);
            command.Parameters.AddWithValue(missing.Select(k => k.Name).ToArray());
            command.Parameters.AddWithValue(missing.Select(k => k.LabelText).ToArray());
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var key = new SeriesKey(reader.GetString(1), SeriesKey.ParseLabels(reader.GetString(2)));
                    _seriesIds[key] = reader.GetInt64(0);
                }
            }

            missing = missing.Where(k => !_seriesIds.ContainsKey(k)).ToList();
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Could not register series {missing[0]} in the store.");
        }
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

        await using var command = new NpgsqlCommand("""
            SELECT s.id, l.ts, l.value FROM unnest($1::bigint[]) AS s(id)
            CROSS JOIN LATERAL (SELECT ts, value FROM metric_samples WHERE series_id = s.id ORDER BY ts DESC LIMIT 1) l
            """, connection);
        command.Parameters.AddWithValue(series.Select(s => s.Id).ToArray());
        var keys = series.ToDictionary(s => s.Id, s => s.Key);
        var result = new List<LatestSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(new LatestSample(keys[reader.GetInt64(0)], new Sample(ToMs(reader.GetFieldValue<DateTimeOffset>(1)), reader.GetDouble(2))));
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

        await using var command = new NpgsqlCommand(
            "SELECT series_id, ts, value FROM metric_samples WHERE series_id = ANY($1) AND ts >= $2 AND ts <= $3 ORDER BY series_id, ts", connection);
        command.Parameters.AddWithValue(series.Select(s => s.Id).ToArray());
        command.Parameters.AddWithValue(DateTimeOffset.FromUnixTimeMilliseconds(query.FromMs).UtcDateTime);
        command.Parameters.AddWithValue(DateTimeOffset.FromUnixTimeMilliseconds(query.ToMs).UtcDateTime);
        var raw = series.ToDictionary(s => s.Id, _ => new List<Sample>());
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                raw[reader.GetInt64(0)].Add(new Sample(ToMs(reader.GetFieldValue<DateTimeOffset>(1)), reader.GetDouble(2)));
            }
        }

        var result = new List<RangeSeries>();
        foreach (var (id, key) in series)
        {
            var points = StepBuckets.Aggregate(raw[id], query);
            if (points.Count > 0)
            {
                result.Add(new RangeSeries(key, points));
            }
        }

        return result;
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

    /// <summary>Drops the day partitions that end before <paramref name="keepFrom"/>; returns how many.</summary>
    public async Task<int> DropBeforeAsync(DateTimeOffset keepFrom, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var partitions = new List<string>();
        await using (var command = new NpgsqlCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = 'metric_samples'
            """, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                partitions.Add(reader.GetString(0));
            }
        }

        var dropped = 0;
        var lastDayToDrop = DateOnly.FromDateTime(keepFrom.UtcDateTime).AddDays(-1);
        foreach (var name in partitions)
        {
            if (DateOnly.TryParseExact(name["metric_samples_".Length..], "yyyyMMdd", out var day) && day <= lastDayToDrop)
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
