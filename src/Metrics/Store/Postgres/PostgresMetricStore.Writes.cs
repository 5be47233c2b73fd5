using System.Runtime.InteropServices;
using Npgsql;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>Writing: series ids, day partitions, sample chunks and the rollup tiers, one transaction per batch.</summary>
public sealed partial class PostgresMetricStore
{
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

        // One transaction: a failed write leaves nothing behind to be doubled by the retry, and a sample is durable
        // (its chunk committed) when the write returns. The rollup tiers are not written here: a chunk row carries
        // its hour's summary (the 1-h tier while the chunk is kept) and answers 1-min reads itself; retention folds
        // both into the tier tables when it drops the chunk (MinuteTier, FoldIntoHoursAsync).
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var batch = ChunkBatch.Group(rows);
        var added = await WriteChunksAsync(connection, batch, cancellationToken);
        if (batch.Duplicates > 0)
        {
            (refused, reason) = (refused + batch.Duplicates, batch.DuplicateReason);
        }

        await transaction.CommitAsync(cancellationToken);
        return new WriteResult(added, refused, reason);
    }

    /// <summary>
    /// Merges the batch into its sample chunks: the chunks it touches are read (with the writers' lock, held to
    /// the commit, so two writers never merge into the same chunk at once), merged and written back with their
    /// hour's summary. Returns how many samples were new. The usual batch appends to each series' current hour.
    /// </summary>
    private static async Task<int> WriteChunksAsync(
        NpgsqlConnection connection, ChunkBatch batch, CancellationToken cancellationToken)
    {
        var keys = batch.Keys.ToList();
        var stored = new Dictionary<(long SeriesId, long StartMs), byte[]>();
        await using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(74064)"));
            // The bounds on start let PostgreSQL skip the day partitions the batch does not touch.
            var select = new NpgsqlBatchCommand("""
                SELECT c.series_id, c.start, c.data FROM metric_chunks c JOIN unnest($1::bigint[], $2::bigint[]) AS k(series_id, start) USING (series_id, start)
                WHERE c.start >= $3 AND c.start <= $4
                """);
            select.Parameters.AddWithValue(keys.Select(k => k.SeriesId).ToArray());
            select.Parameters.AddWithValue(keys.Select(k => k.StartMs).ToArray());
            select.Parameters.AddWithValue(keys.Min(k => k.StartMs));
            select.Parameters.AddWithValue(keys.Max(k => k.StartMs));
            read.BatchCommands.Add(select);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken); // past the lock's result
            while (await reader.ReadAsync(cancellationToken))
            {
                stored[(reader.GetInt64(0), reader.GetInt64(1))] = reader.GetFieldValue<byte[]>(2);
            }
        }

        var added = 0;
        var written = new ChunkRows(keys.Count);
        foreach (var key in keys)
        {
            var (chunk, fresh, held) = batch.Apply(key, stored.GetValueOrDefault(key));
            if (fresh.Count > 0)
            {
                written.Add(key.SeriesId, key.StartMs, chunk, ChunkSummary.Of(CollectionsMarshal.AsSpan(held)));
                added += fresh.Count;
            }
        }

        if (written.Count > 0)
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO metric_chunks (series_id, start, data, min, max, sum, count, last_ts, last)
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[], $4::float8[], $5::float8[], $6::float8[], $7::bigint[], $8::bigint[], $9::float8[])
                ON CONFLICT (series_id, start) DO UPDATE SET data = excluded.data, min = excluded.min, max = excluded.max,
                    sum = excluded.sum, count = excluded.count, last_ts = excluded.last_ts, last = excluded.last
                """, connection);
            written.AddParameters(upsert);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        return added;
    }

    /// <summary>
    /// Writes tier chunks (retention folding dropped raw chunks into the tiers): inserted where there is none yet;
    /// those that exist (samples written into an hour after its raw chunk went) are merged (<see cref="MergeIntoStoredAsync"/>).
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

    /// <summary>One chunk partition per UTC day, created before the first sample of that day is written.</summary>
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
            await ExecuteAsync(connection, $"""
                BEGIN;
                SELECT pg_advisory_xact_lock(74063);
                {CreatePartitionSql(day)}
                COMMIT;
                """, cancellationToken);
            _partitions[day] = true;
        }
    }

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
}
