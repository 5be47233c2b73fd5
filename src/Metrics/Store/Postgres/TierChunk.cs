using Npgsql;
using NpgsqlTypes;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// One row of a PostgreSQL tier table: one series' buckets over a chunk (an hour of 1-min buckets, a day of
/// 1-h buckets) as arrays indexed by the bucket's position. A day of 1-min data for one series is 24 rows
/// instead of 1,440, which is what makes a 24-h read and the write of a batch's rollups cheap.
/// A position whose count is 0 holds no data.
/// </summary>
internal sealed class TierChunk
{
    private TierChunk(long seriesId, long startMs, int length)
    {
        SeriesId = seriesId;
        StartMs = startMs;
        Min = new double[length];
        Max = new double[length];
        Sum = new double[length];
        Count = new long[length];
        LastTs = new long[length];
        Last = new double[length];
    }

    public long SeriesId { get; }

    public long StartMs { get; }

    public double[] Min { get; private init; }

    public double[] Max { get; private init; }

    public double[] Sum { get; private init; }

    public long[] Count { get; private init; }

    public long[] LastTs { get; private init; }

    public double[] Last { get; private init; }

    /// <summary>The chunk that holds a tier's buckets: an hour of minutes, a day of hours.</summary>
    public static long ChunkMs(RollupTier tier) => tier.Ms == RollupTier.Minute.Ms ? 3_600_000 : 86_400_000;

    public static string Table(RollupTier tier) => $"rollup_{tier.Name}_chunks";

    public static long ChunkOf(RollupTier tier, long bucketMs)
    {
        var size = ChunkMs(tier);
        return Math.DivRem(bucketMs, size, out var rem) * size - (rem < 0 ? size : 0);
    }

    public static string CreateTableSql(RollupTier tier) => $"""
        CREATE TABLE {Table(tier)} (
            series_id bigint NOT NULL, chunk bigint NOT NULL,
            min float8[] NOT NULL, max float8[] NOT NULL, sum float8[] NOT NULL, count bigint[] NOT NULL,
            last_ts bigint[] NOT NULL, last float8[] NOT NULL,
            PRIMARY KEY (series_id, chunk)
        );
        -- Uncompressed and in line: float arrays do not compress, and a chunk (3 kB at most) fits a page.
        ALTER TABLE {Table(tier)} ALTER COLUMN min SET STORAGE PLAIN, ALTER COLUMN max SET STORAGE PLAIN,
            ALTER COLUMN sum SET STORAGE PLAIN, ALTER COLUMN count SET STORAGE PLAIN,
            ALTER COLUMN last_ts SET STORAGE PLAIN, ALTER COLUMN last SET STORAGE PLAIN;
        """;

    /// <summary>Folds bucket rows into their chunks, merging rows that share a bucket.</summary>
    public static Dictionary<(long SeriesId, long StartMs), TierChunk> Group(RollupTier tier, IEnumerable<RollupRow> rows)
    {
        var chunks = new Dictionary<(long, long), TierChunk>();
        foreach (var row in rows)
        {
            var start = ChunkOf(tier, row.BucketMs);
            if (!chunks.TryGetValue((row.SeriesId, start), out var chunk))
            {
                chunks[(row.SeriesId, start)] = chunk = new TierChunk(row.SeriesId, start, (int)(ChunkMs(tier) / tier.Ms));
            }

            chunk.Add(tier, row);
        }

        return chunks;
    }

    public void Add(RollupTier tier, RollupRow row)
    {
        var i = (int)((row.BucketMs - StartMs) / tier.Ms);
        if (Count[i] == 0)
        {
            (Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]) = (row.Min, row.Max, row.Sum, row.Count, row.LastTs, row.Last);
            return;
        }

        var merged = Row(tier, i).Merge(row);
        (Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]) = (merged.Min, merged.Max, merged.Sum, merged.Count, merged.LastTs, merged.Last);
    }

    /// <summary>Another piece of the same chunk (an earlier write) folded into this one.</summary>
    public void Add(RollupTier tier, TierChunk other)
    {
        foreach (var row in other.Rows(tier))
        {
            Add(tier, row);
        }
    }

    private RollupRow Row(RollupTier tier, int i) => new(SeriesId, StartMs + i * tier.Ms, Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]);

    /// <summary>The buckets that hold data, in time order.</summary>
    public IEnumerable<RollupRow> Rows(RollupTier tier)
    {
        for (var i = 0; i < Count.Length; i++)
        {
            if (Count[i] > 0)
            {
                yield return Row(tier, i);
            }
        }
    }

    public const string Columns = "series_id, chunk, min, max, sum, count, last_ts, last";

    /// <summary>
    /// The columns an aggregation needs, in <see cref="Columns"/> order; the others are read as NULL
    /// (and come back as zeros), so a read moves a third of the bytes.
    /// </summary>
    public static string ColumnsFor(Aggregation aggregation) => aggregation switch
    {
        Aggregation.Avg => "series_id, chunk, NULL::float8[], NULL::float8[], sum, count, NULL::bigint[], NULL::float8[]",
        Aggregation.Min => "series_id, chunk, min, NULL::float8[], NULL::float8[], count, NULL::bigint[], NULL::float8[]",
        Aggregation.Max => "series_id, chunk, NULL::float8[], max, NULL::float8[], count, NULL::bigint[], NULL::float8[]",
        Aggregation.Last => "series_id, chunk, NULL::float8[], NULL::float8[], NULL::float8[], count, last_ts, last",
        _ => "series_id, chunk, NULL::float8[], NULL::float8[], NULL::float8[], count, NULL::bigint[], NULL::float8[]",
    };

    /// <summary>Reads a row selected with <see cref="Columns"/> or <see cref="ColumnsFor"/>.</summary>
    public static TierChunk Read(NpgsqlDataReader reader)
    {
        var count = reader.GetFieldValue<long[]>(5);
        double[] Doubles(int ordinal) => reader.IsDBNull(ordinal) ? new double[count.Length] : reader.GetFieldValue<double[]>(ordinal);
        return new TierChunk(reader.GetInt64(0), reader.GetInt64(1), 0)
        {
            Min = Doubles(2),
            Max = Doubles(3),
            Sum = Doubles(4),
            Count = count,
            LastTs = reader.IsDBNull(6) ? new long[count.Length] : reader.GetFieldValue<long[]>(6),
            Last = Doubles(7),
        };
    }

    public async Task WriteAsync(NpgsqlBinaryImporter writer, CancellationToken cancellationToken)
    {
        await writer.StartRowAsync(cancellationToken);
        await writer.WriteAsync(SeriesId, NpgsqlDbType.Bigint, cancellationToken);
        await writer.WriteAsync(StartMs, NpgsqlDbType.Bigint, cancellationToken);
        await writer.WriteAsync(Min, NpgsqlDbType.Array | NpgsqlDbType.Double, cancellationToken);
        await writer.WriteAsync(Max, NpgsqlDbType.Array | NpgsqlDbType.Double, cancellationToken);
        await writer.WriteAsync(Sum, NpgsqlDbType.Array | NpgsqlDbType.Double, cancellationToken);
        await writer.WriteAsync(Count, NpgsqlDbType.Array | NpgsqlDbType.Bigint, cancellationToken);
        await writer.WriteAsync(LastTs, NpgsqlDbType.Array | NpgsqlDbType.Bigint, cancellationToken);
        await writer.WriteAsync(Last, NpgsqlDbType.Array | NpgsqlDbType.Double, cancellationToken);
    }
}
