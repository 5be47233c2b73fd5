using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>Creating and upgrading the store's tables, at start, under a lock so that two processes do not race.</summary>
public sealed partial class PostgresMetricStore
{
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

            if (current < 4)
            {
                await ConvertSamplesToChunksAsync(connection, cancellationToken);
            }

            if (current < 5)
            {
                // Version 5 keeps the 1-min tier only for hours whose raw chunks are gone (MinuteTier): the tier chunks
                // of hours that still have theirs summarise the same samples, and go.
                await ExecuteAsync(connection, """
                    BEGIN;
                    DELETE FROM rollup_1m_chunks t USING metric_chunks c WHERE c.series_id = t.series_id AND c.start = t.chunk;
                    INSERT INTO metric_schema_version (version) VALUES (5);
                    COMMIT;
                    """, cancellationToken);
            }

            if (current < 6)
            {
                await AddChunkSummariesAsync(connection, cancellationToken);
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

    /// <summary>
    /// Version 4 keeps raw samples in chunks (<see cref="SampleChunk"/>), one row per series and hour, in day
    /// partitions of their own: each day partition of version 3's row-per-sample table is converted into the
    /// same day's chunk partition, whatever its age (retention decides later), the tiers left as they are —
    /// all in one transaction, so a failed upgrade leaves version 3 untouched.
    /// </summary>
    private static async Task ConvertSamplesToChunksAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE metric_chunks (
                series_id bigint NOT NULL,
                start     bigint NOT NULL,
                data      bytea NOT NULL,
                PRIMARY KEY (series_id, start)
            ) PARTITION BY RANGE (start);
            -- Gorilla's bytes do not compress further: PostgreSQL is told not to try (a long chunk moves out of line as it is).
            ALTER TABLE metric_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
            """, cancellationToken);
        foreach (var (name, day) in await PartitionsAsync(connection, "metric_samples", cancellationToken))
        {
            await ExecuteAsync(connection, CreatePartitionSql(day), cancellationToken);
            var chunks = new List<(long SeriesId, long Start, byte[] Data)>();
            await using (var read = new NpgsqlCommand($"SELECT series_id, ts, value FROM {name} ORDER BY series_id, ts", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                var samples = new List<Sample>(256);
                (long SeriesId, long Start) current = default;
                while (await reader.ReadAsync(cancellationToken))
                {
                    var (id, ts) = (reader.GetInt64(0), ToMs(reader.GetFieldValue<DateTimeOffset>(1)));
                    var key = (id, ChunkBatch.StartOf(ts));
                    if (samples.Count > 0 && key != current)
                    {
                        chunks.Add((current.SeriesId, current.Start, SampleChunk.Encode(CollectionsMarshal.AsSpan(samples))));
                        samples.Clear();
                    }

                    current = key;
                    // Version 3 could hold a timestamp twice in a series; a chunk keeps the first.
                    if (samples.Count == 0 || samples[^1].TimestampMs != ts)
                    {
                        samples.Add(new Sample(ts, reader.GetDouble(2)));
                    }
                }

                if (samples.Count > 0)
                {
                    chunks.Add((current.SeriesId, current.Start, SampleChunk.Encode(CollectionsMarshal.AsSpan(samples))));
                }
            }

            await CopyChunksAsync(connection, PartitionName(day), chunks, cancellationToken);
        }

        await ExecuteAsync(connection, "DROP TABLE metric_samples; INSERT INTO metric_schema_version (version) VALUES (4);", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Version 6 keeps each raw chunk's hour summary in its row (<see cref="ChunkSummary"/>), the 1-h tier's answer
    /// for that hour while the chunk is kept, so a write updates one row per series instead of two: the summaries
    /// of the chunks already stored are computed from their samples, the 1-h tier rows of those hours go, and
    /// retention folds the summaries into the tier when it drops their day. One transaction: a failed upgrade
    /// leaves version 5 untouched.
    /// </summary>
    private static async Task AddChunkSummariesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, """
            ALTER TABLE metric_chunks ADD COLUMN min double precision, ADD COLUMN max double precision, ADD COLUMN sum double precision,
                ADD COLUMN count bigint, ADD COLUMN last_ts bigint, ADD COLUMN last double precision;
            """, cancellationToken);
        foreach (var (name, _) in await PartitionsAsync(connection, "metric_chunks", cancellationToken))
        {
            // The day's keys and summaries (not its bytes) in memory, written back 10,000 rows a statement.
            var rows = new List<(long SeriesId, long Start, ChunkSummary Summary)>();
            await using (var read = new NpgsqlCommand($"SELECT series_id, start, data FROM {name}", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var samples = SampleChunk.Decode(reader.GetFieldValue<byte[]>(2));
                    rows.Add((reader.GetInt64(0), reader.GetInt64(1), ChunkSummary.Of(CollectionsMarshal.AsSpan(samples))));
                }
            }

            foreach (var part in rows.Chunk(10_000))
            {
                var summaries = new ChunkRows(part.Length);
                foreach (var (seriesId, start, summary) in part)
                {
                    summaries.Add(seriesId, start, [], summary);
                }

                await using var update = new NpgsqlCommand($"""
                    UPDATE {name} c SET min = k.min, max = k.max, sum = k.sum, count = k.count, last_ts = k.last_ts, last = k.last
                    FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::bigint[], $7::bigint[], $8::float8[])
                         AS k(series_id, start, min, max, sum, count, last_ts, last)
                    WHERE c.series_id = k.series_id AND c.start = k.start
                    """, connection);
                summaries.AddSummaryParameters(update);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await ExecuteAsync(connection, """
            ALTER TABLE metric_chunks ALTER COLUMN min SET NOT NULL, ALTER COLUMN max SET NOT NULL, ALTER COLUMN sum SET NOT NULL,
                ALTER COLUMN count SET NOT NULL, ALTER COLUMN last_ts SET NOT NULL, ALTER COLUMN last SET NOT NULL;
            DELETE FROM rollup_1h_chunks t USING metric_chunks c WHERE c.series_id = t.series_id AND c.start = t.chunk;
            INSERT INTO metric_schema_version (version) VALUES (6);
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task CopyChunksAsync(NpgsqlConnection connection, string table, List<(long SeriesId, long Start, byte[] Data)> chunks, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} (series_id, start, data) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var (seriesId, start, data) in chunks)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(seriesId, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(start, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(data, NpgsqlDbType.Bytea, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>The day partitions of a partitioned table (named table_yyyyMMdd), with their days.</summary>
    private static async Task<List<(string Name, DateOnly Day)>> PartitionsAsync(NpgsqlConnection connection, string parent, CancellationToken cancellationToken)
    {
        var partitions = new List<(string, DateOnly)>();
        await using var command = new NpgsqlCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = $1 ORDER BY c.relname
            """, connection);
        command.Parameters.AddWithValue(parent);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (DateOnly.TryParseExact(name[(parent.Length + 1)..], "yyyyMMdd", out var day))
            {
                partitions.Add((name, day));
            }
        }

        return partitions;
    }

    /// <summary>The chunk partition of a UTC day: chunk starts (ms) from its midnight to the next.</summary>
    private static string CreatePartitionSql(DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        return $"CREATE TABLE IF NOT EXISTS {PartitionName(day)} PARTITION OF metric_chunks FOR VALUES FROM ({from}) TO ({from + 86_400_000});";
    }

    private static string PartitionName(DateOnly day) => $"metric_chunks_{day:yyyyMMdd}";

    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static DateOnly DayOf(long timestampMs) => DateOnly.FromDayNumber(EpochDayNumber + (int)Math.Floor(timestampMs / 86_400_000.0));
}
