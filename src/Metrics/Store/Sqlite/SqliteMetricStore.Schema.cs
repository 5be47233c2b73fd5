using Microsoft.Data.Sqlite;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Sqlite;

/// <summary>Creating and upgrading the store file's tables, at start.</summary>
public sealed partial class SqliteMetricStore
{
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

        // Version 1 kept a row per sample, version 2 added the rollup tiers, version 3 keeps samples in chunks,
        // version 4 the 1-min tier only for hours without them.
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

        if (current < 3)
        {
            await ConvertSamplesToChunksAsync(connection, cancellationToken);
        }

        if (current < 4)
        {
            // Version 4 keeps the 1-min tier only for hours whose chunks are gone (MinuteTier): the buckets of
            // hours that still have theirs summarise the same samples, and go.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, $"""
                DELETE FROM rollup_1m WHERE EXISTS (SELECT 1 FROM sample_chunks c
                    WHERE c.series_id = rollup_1m.series_id AND c.start = rollup_1m.bucket - (((rollup_1m.bucket % {ChunkBatch.WindowMs}) + {ChunkBatch.WindowMs}) % {ChunkBatch.WindowMs}));
                INSERT INTO schema_version (version) VALUES (4);
                """, cancellationToken, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Version 3 keeps raw samples in chunks (<see cref="SampleChunk"/>), one row per series and hour: every
    /// sample of version 2 is moved into its chunk, whatever its age (retention decides later), the tiers are
    /// left as they are, and the row-per-sample table goes — all in one transaction.
    /// </summary>
    private static async Task ConvertSamplesToChunksAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, """
            CREATE TABLE sample_chunks (
                series_id INTEGER NOT NULL REFERENCES series(id),
                start     INTEGER NOT NULL,
                data      BLOB NOT NULL,
                PRIMARY KEY (series_id, start)
            );
            """, cancellationToken, transaction);
        await using var insert = ChunkUpsert(connection, transaction);
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT series_id, ts, value FROM samples ORDER BY series_id, ts;";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var chunk = new List<Sample>(256);
            (long SeriesId, long Start) current = default;
            while (await reader.ReadAsync(cancellationToken))
            {
                var (id, ts) = (reader.GetInt64(0), reader.GetInt64(1));
                var key = (id, ChunkBatch.StartOf(ts));
                if (chunk.Count > 0 && key != current)
                {
                    await InsertChunkAsync(insert, current, chunk, cancellationToken);
                }

                current = key;
                chunk.Add(new Sample(ts, reader.GetDouble(2)));
            }

            if (chunk.Count > 0)
            {
                await InsertChunkAsync(insert, current, chunk, cancellationToken);
            }
        }

        await ExecuteAsync(connection, "DROP TABLE samples; INSERT INTO schema_version (version) VALUES (3);", cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task InsertChunkAsync(SqliteCommand insert, (long SeriesId, long Start) key, List<Sample> samples, CancellationToken cancellationToken)
    {
        insert.Parameters[0].Value = key.SeriesId;
        insert.Parameters[1].Value = key.Start;
        insert.Parameters[2].Value = SampleChunk.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(samples));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        samples.Clear();
    }

    /// <summary>Writes a chunk's bytes over what it held: parameters $id, $start, $data.</summary>
    private static SqliteCommand ChunkUpsert(SqliteConnection connection, SqliteTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO sample_chunks (series_id, start, data) VALUES ($id, $start, $data) ON CONFLICT (series_id, start) DO UPDATE SET data = excluded.data;";
        command.Parameters.Add("$id", SqliteType.Integer);
        command.Parameters.Add("$start", SqliteType.Integer);
        command.Parameters.Add("$data", SqliteType.Blob);
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
