using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// The production store: samples in a PostgreSQL table range-partitioned by day (retention drops whole
/// partitions), written with binary COPY; series in their own table, keyed by name and label text.
/// </summary>
public sealed class PostgresMetricStore : IMetricStore, IAsyncDisposable
{
    private const int SchemaVersion = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<SeriesKey, long> _seriesIds = new();
    private readonly ConcurrentDictionary<DateOnly, bool> _partitions = new();

    // The newest tier bucket this process has committed per series: a later bucket cannot exist yet
    // (unless another writer made it, which a COPY then refuses), so it can be copied instead of upserted.
    private readonly ConcurrentDictionary<(string Tier, long SeriesId), long> _newestBucket = new();

    private PostgresMetricStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public static async Task<PostgresMetricStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var store = new PostgresMetricStore(NpgsqlDataSource.Create(connectionString));
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
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
        }
        finally
        {
            await ExecuteAsync(connection, "SELECT pg_advisory_unlock(74062)", CancellationToken.None);
        }
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
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another writer made a bucket this process thought new. The transaction rolled back whole:
            // forget what this process knew and write again, merging every bucket.
            _newestBucket.Clear();
            return await WriteAcceptedAsync(accepted, refused, reason, cancellationToken);
        }
    }

    private async Task<WriteResult> WriteAcceptedAsync(List<SeriesSample> accepted, int refused, string? reason, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await EnsurePartitionsAsync(connection, accepted, cancellationToken);
        var ids = await SeriesIdsAsync(connection, accepted.Select(s => s.Key).Distinct().ToList(), cancellationToken);
        // Samples and their rollups in one transaction: a failed write leaves nothing behind to be doubled by the retry.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Straight into each day's partition: the same rows, without the parent table's tuple routing.
        foreach (var day in accepted.GroupBy(s => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(s.TimestampMs).UtcDateTime)))
        {
            await using var writer = await connection.BeginBinaryImportAsync($"COPY {PartitionName(day.Key)} (series_id, ts, value) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var sample in day)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(ids[sample.Key], NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(DateTimeOffset.FromUnixTimeMilliseconds(sample.TimestampMs).UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(sample.Value, NpgsqlDbType.Double, cancellationToken);
            }

            await writer.CompleteAsync(cancellationToken);
        }

        var written = await WriteRollupsAsync(connection, accepted.Select(a => (ids[a.Key], a.TimestampMs, a.Value)).ToList(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var (tier, rows) in written)
        {
            foreach (var row in rows)
            {
                _newestBucket.AddOrUpdate((tier.Name, row.SeriesId), row.BucketMs, (_, known) => Math.Max(known, row.BucketMs));
            }
        }

        return new WriteResult(accepted.Count, refused, reason);
    }

    /// <summary>
    /// Keeps the tiers current as data arrives: each batch is folded per bucket; buckets after the newest this
    /// process committed are copied (they cannot exist yet), the rest are merged into what is there.
    /// </summary>
    private async Task<List<(RollupTier Tier, IReadOnlyList<RollupRow> Rows)>> WriteRollupsAsync(
        NpgsqlConnection connection, List<(long, long, double)> samples, CancellationToken cancellationToken)
    {
        var written = new List<(RollupTier, IReadOnlyList<RollupRow>)>();
        foreach (var tier in RollupTier.All)
        {
            var rows = Rollups.Fold(samples, tier);
            var fresh = rows.Where(r => _newestBucket.TryGetValue((tier.Name, r.SeriesId), out var newest) && r.BucketMs > newest).ToList();
            var merge = rows.Except(fresh).ToList();
            if (fresh.Count > 0)
            {
                await using var writer = await connection.BeginBinaryImportAsync(
                    $"COPY {tier.Table} (series_id, bucket, min, max, sum, count, last_ts, last) FROM STDIN (FORMAT BINARY)", cancellationToken);
                foreach (var row in fresh)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(row.SeriesId, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(row.BucketMs, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(row.Min, NpgsqlDbType.Double, cancellationToken);
                    await writer.WriteAsync(row.Max, NpgsqlDbType.Double, cancellationToken);
                    await writer.WriteAsync(row.Sum, NpgsqlDbType.Double, cancellationToken);
                    await writer.WriteAsync(row.Count, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(row.LastTs, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(row.Last, NpgsqlDbType.Double, cancellationToken);
                }

                await writer.CompleteAsync(cancellationToken);
            }

            if (merge.Count > 0)
            {
                await UpsertRollupsAsync(connection, tier, merge, cancellationToken);
            }

            written.Add((tier, rows));
        }

        return written;
    }

    private static async Task UpsertRollupsAsync(NpgsqlConnection connection, RollupTier tier, IReadOnlyList<RollupRow> rows, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            INSERT INTO {tier.Table} (series_id, bucket, min, max, sum, count, last_ts, last)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::bigint[], $7::bigint[], $8::float8[])
            ON CONFLICT (series_id, bucket) DO UPDATE SET
                min = least({tier.Table}.min, excluded.min), max = greatest({tier.Table}.max, excluded.max),
                sum = {tier.Table}.sum + excluded.sum, count = {tier.Table}.count + excluded.count,
                last = CASE WHEN excluded.last_ts >= {tier.Table}.last_ts THEN excluded.last ELSE {tier.Table}.last END,
                last_ts = greatest({tier.Table}.last_ts, excluded.last_ts)
            """, connection);
        command.Parameters.AddWithValue(rows.Select(r => r.SeriesId).ToArray());
        command.Parameters.AddWithValue(rows.Select(r => r.BucketMs).ToArray());
        command.Parameters.AddWithValue(rows.Select(r => r.Min).ToArray());
        command.Parameters.AddWithValue(rows.Select(r => r.Max).ToArray());
        command.Parameters.AddWithValue(rows.Select(r => r.Sum).ToArray());
        command.Parameters.AddWithValue(rows.Select(r => r.Count).ToArray());
        command.Parameters.AddWithValue(rows.Select(r => r.LastTs).ToArray());
        command.Parameters.AddWithValue(rows.Select(r => r.Last).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One partition per UTC day, created before the first sample of that day is written.</summary>
    private async Task EnsurePartitionsAsync(NpgsqlConnection connection, List<SeriesSample> samples, CancellationToken cancellationToken)
    {
        foreach (var day in samples.Select(s => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(s.TimestampMs).UtcDateTime)).Distinct())
        {
            if (_partitions.ContainsKey(day))
            {
                continue;
            }

            var from = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            await ExecuteAsync(connection,
                $"CREATE TABLE IF NOT EXISTS {PartitionName(day)} PARTITION OF metric_samples FOR VALUES FROM ('{from:yyyy-MM-dd}T00:00:00Z') TO ('{from.AddDays(1):yyyy-MM-dd}T00:00:00Z')",
                cancellationToken);
            _partitions[day] = true;
        }
    }

    public static string PartitionName(DateOnly day) => $"metric_samples_{day:yyyyMMdd}";

    private async Task<Dictionary<SeriesKey, long>> SeriesIdsAsync(NpgsqlConnection connection, List<SeriesKey> keys, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<SeriesKey, long>();
        var missing = new List<SeriesKey>();
        foreach (var key in keys)
        {
            if (_seriesIds.TryGetValue(key, out var id))
            {
                ids[key] = id;
            }
            else
            {
                missing.Add(key);
            }
        }

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
                    ids[key] = _seriesIds[key] = reader.GetInt64(0);
                }
            }

            missing = missing.Where(k => !ids.ContainsKey(k)).ToList();
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Could not register series {missing[0]} in the store.");
        }

        return ids;
    }

    private async Task<List<(long Id, SeriesKey Key)>> FindSeriesAsync(NpgsqlConnection connection, SeriesSelector selector, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id, labels FROM metric_series WHERE name = $1 ORDER BY labels", connection);
        command.Parameters.AddWithValue(selector.Name);
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

    public async Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT DISTINCT name FROM metric_series ORDER BY name", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
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
            $"SELECT series_id, bucket, {Rollups.Columns(query.Aggregation)} FROM {tier.Table} WHERE series_id = ANY($1) AND bucket >= $2 AND bucket <= $3 ORDER BY series_id, bucket",
            connection);
        command.Parameters.AddWithValue(series.Select(s => s.Id).ToArray());
        command.Parameters.AddWithValue(query.FromMs);
        command.Parameters.AddWithValue(query.ToMs);
        var rows = series.ToDictionary(s => s.Id, _ => new List<RollupRow>());
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetInt64(0);
                rows[id].Add(new RollupRow(id, reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetDouble(7)));
            }
        }

        var result = new List<RangeSeries>();
        foreach (var (id, key) in series)
        {
            var points = Rollups.Aggregate(rows[id], query);
            if (points.Count > 0)
            {
                result.Add(new RangeSeries(key, points));
            }
        }

        return result;
    }

    /// <summary>Raw samples go a whole day partition at a time (the day that ends before the cut-off); tier rows by DELETE.</summary>
    public async Task<int> EnforceRetentionAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await DropBeforeAsync(now - policy.Raw, cancellationToken) + await DeleteRollupsBeforeAsync(policy.TierCutoffs(now), cancellationToken);

    /// <summary>Deletes tier buckets before each tier's cut-off; returns how many rows.</summary>
    public async Task<int> DeleteRollupsBeforeAsync(IReadOnlyDictionary<RollupTier, long> tierBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var deleted = 0;
        foreach (var (tier, before) in tierBefore)
        {
            await using var command = new NpgsqlCommand($"DELETE FROM {tier.Table} WHERE bucket < $1", connection);
            command.Parameters.AddWithValue(before);
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
