using Microsoft.Data.Sqlite;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Sqlite;

/// <summary>Writing: samples into their chunks and the rollup tiers, one transaction per batch.</summary>
public sealed partial class SqliteMetricStore
{
    public async Task<WriteResult> WriteAsync(IReadOnlyCollection<SeriesSample> samples, CancellationToken cancellationToken = default)
    {
        if (samples.Count == 0)
        {
            return WriteResult.Empty;
        }

        var refused = 0;
        string? reason = null;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

            var rows = new List<(long, long, double)>(samples.Count);
            foreach (var sample in samples)
            {
                if (StoreRules.IsRefused(sample, out var why))
                {
                    refused++;
                    reason = why;
                    continue;
                }

                rows.Add((await GetOrCreateSeriesIdAsync(connection, transaction, sample.Key, cancellationToken), sample.TimestampMs, sample.Value));
            }

            var batch = ChunkBatch.Group(rows);
            var stored = await WriteChunksAsync(connection, transaction, batch, cancellationToken);
            if (batch.Duplicates > 0)
            {
                (refused, reason) = (refused + batch.Duplicates, batch.DuplicateReason);
            }

            // The 1-h tier as samples arrive; the 1-min tier when retention takes their chunks (MinuteTier).
            await UpsertRollupsAsync(connection, transaction, [RollupTier.Hour], stored, cancellationToken);

            await transaction.CommitAsync(cancellationToken);
            return new WriteResult(stored.Count, refused, reason);
        }
        catch
        {
            // A rolled-back transaction may have created series rows that no longer exist.
            _seriesIds.Clear();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Merges the batch into its chunks — read, merged, written back in the write's transaction, so a sample
    /// is durable when the write returns and a crash at any point leaves each chunk as it was before or after
    /// — and returns the samples that were new, for the rollups.
    /// </summary>
    private static async Task<List<(long, long, double)>> WriteChunksAsync(
        SqliteConnection connection, SqliteTransaction transaction, ChunkBatch batch, CancellationToken cancellationToken)
    {
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT data FROM sample_chunks WHERE series_id = $id AND start = $start;";
        var id = read.Parameters.Add("$id", SqliteType.Integer);
        var start = read.Parameters.Add("$start", SqliteType.Integer);
        await using var upsert = ChunkUpsert(connection, transaction);
        var added = new List<(long, long, double)>();
        foreach (var key in batch.Keys)
        {
            (id.Value, start.Value) = (key.SeriesId, key.StartMs);
            var (chunk, fresh, _) = batch.Apply(key, await read.ExecuteScalarAsync(cancellationToken) as byte[]);
            if (fresh.Count == 0)
            {
                continue;
            }

            (upsert.Parameters[0].Value, upsert.Parameters[1].Value, upsert.Parameters[2].Value) = (key.SeriesId, key.StartMs, chunk);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
            added.AddRange(fresh.Select(s => (key.SeriesId, s.TimestampMs, s.Value)));
        }

        return added;
    }

    /// <summary>Folds samples into the tiers' buckets and merges them into what is there.</summary>
    private static async Task UpsertRollupsAsync(
        SqliteConnection connection, SqliteTransaction transaction, IEnumerable<RollupTier> tiers, List<(long, long, double)> stored, CancellationToken cancellationToken)
    {
        foreach (var tier in tiers)
        {
            await using var upsert = connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = $"""
                INSERT INTO {tier.Table} (series_id, bucket, min, max, sum, count, last_ts, last) VALUES ($id, $bucket, $min, $max, $sum, $count, $last_ts, $last)
                ON CONFLICT (series_id, bucket) DO UPDATE SET
                    min = min(min, excluded.min), max = max(max, excluded.max), sum = sum + excluded.sum, count = count + excluded.count,
                    last = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last ELSE last END, last_ts = max(last_ts, excluded.last_ts);
                """;
            var p = new[] { "$id", "$bucket", "$min", "$max", "$sum", "$count", "$last_ts", "$last" }
                .Select(n => upsert.Parameters.Add(n, n is "$id" or "$bucket" or "$count" or "$last_ts" ? SqliteType.Integer : SqliteType.Real)).ToArray();
            foreach (var row in Rollups.Fold(stored, tier))
            {
                p[0].Value = row.SeriesId;
                p[1].Value = row.BucketMs;
                p[2].Value = row.Min;
                p[3].Value = row.Max;
                p[4].Value = row.Sum;
                p[5].Value = row.Count;
                p[6].Value = row.LastTs;
                p[7].Value = row.Last;
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private async Task<long> GetOrCreateSeriesIdAsync(
        SqliteConnection connection, SqliteTransaction transaction, SeriesKey key, CancellationToken cancellationToken)
    {
        if (_seriesIds.TryGetValue(key, out var known))
        {
            return known;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO series (name, labels) VALUES ($name, $labels) ON CONFLICT (name, labels) DO NOTHING;
            SELECT id FROM series WHERE name = $name AND labels = $labels;
            """;
        command.Parameters.AddWithValue("$name", key.Name);
        command.Parameters.AddWithValue("$labels", key.LabelText);
        var id = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        _seriesIds[key] = id;
        return id;
    }
}
