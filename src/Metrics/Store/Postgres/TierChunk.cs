using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// One row of a PostgreSQL tier table: one series' buckets over an hour (sixty 1-min buckets, or the one 1-h
/// bucket) as packed arrays indexed by the bucket's position. A day of 1-min data for one series is 24 rows
/// instead of 1,440, which is what makes a 24-h read cheap. Hour-long chunks for every tier keep a batch's
/// rollups to one new row per series and tier when data arrives an hour at a time (a backfill).
/// A position whose count is 0 holds no data. Each field is stored as bytea: 8 bytes per position, big-endian
/// as float8send/int8send write them. PostgreSQL copies bytea as it is, where a float8[] is taken apart and
/// checked element by element — that was most of the cost of writing a batch's rollups.
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

    private double[] Min { get; init; }

    private double[] Max { get; init; }

    private double[] Sum { get; init; }

    private long[] Count { get; init; }

    private long[] LastTs { get; init; }

    private double[] Last { get; init; }

    /// <summary>The span of one chunk: an hour, for every tier.</summary>
    public const long ChunkMs = 3_600_000;

    public static string Table(RollupTier tier) => $"rollup_{tier.Name}_chunks";

    /// <summary>The start of the chunk holding a time.</summary>
    public static long ChunkOf(long timestampMs) => Math.DivRem(timestampMs, ChunkMs, out var rem) * ChunkMs - (rem < 0 ? ChunkMs : 0);

    public static string CreateTableSql(RollupTier tier) => $"""
        CREATE TABLE {Table(tier)} (
            series_id bigint NOT NULL, chunk bigint NOT NULL,
            min bytea NOT NULL, max bytea NOT NULL, sum bytea NOT NULL, count bytea NOT NULL,
            last_ts bytea NOT NULL, last bytea NOT NULL,
            PRIMARY KEY (series_id, chunk)
        );
        -- Uncompressed and in line: the values hardly compress, and a chunk (under 3 kB) fits a page.
        ALTER TABLE {Table(tier)} ALTER COLUMN min SET STORAGE PLAIN, ALTER COLUMN max SET STORAGE PLAIN,
            ALTER COLUMN sum SET STORAGE PLAIN, ALTER COLUMN count SET STORAGE PLAIN,
            ALTER COLUMN last_ts SET STORAGE PLAIN, ALTER COLUMN last SET STORAGE PLAIN;
        """;

    /// <summary>Folds finer tier buckets into the chunks of a coarser tier.</summary>
    public static Dictionary<(long SeriesId, long StartMs), TierChunk> Group(RollupTier tier, IEnumerable<RollupRow> finer)
    {
        var chunks = new Dictionary<(long, long), TierChunk>();
        foreach (var row in finer)
        {
            var start = ChunkOf(row.BucketMs);
            if (!chunks.TryGetValue((row.SeriesId, start), out var chunk))
            {
                chunks[(row.SeriesId, start)] = chunk = new TierChunk(row.SeriesId, start, (int)(ChunkMs / tier.Ms));
            }

            chunk.Add(tier, row with { BucketMs = tier.BucketOf(row.BucketMs) });
        }

        return chunks;
    }

    /// <summary>Folds samples into the chunks of a tier, one per series and chunk.</summary>
    public static Dictionary<(long SeriesId, long StartMs), TierChunk> Group(RollupTier tier, List<(long SeriesId, long TimestampMs, double Value)> samples)
    {
        var chunks = new Dictionary<(long, long), TierChunk>();
        foreach (var (id, ts, value) in CollectionsMarshal.AsSpan(samples))
        {
            var start = ChunkOf(ts);
            if (!chunks.TryGetValue((id, start), out var chunk))
            {
                chunks[(id, start)] = chunk = new TierChunk(id, start, (int)(ChunkMs / tier.Ms));
            }

            chunk.AddSample((int)((ts - start) / tier.Ms), ts, value);
        }

        return chunks;
    }

    private void AddSample(int i, long ts, double value)
    {
        if (Count[i] == 0)
        {
            (Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]) = (value, value, value, 1, ts, value);
            return;
        }

        Min[i] = Math.Min(Min[i], value);
        Max[i] = Math.Max(Max[i], value);
        Sum[i] += value;
        Count[i]++;
        if (ts >= LastTs[i])
        {
            (LastTs[i], Last[i]) = (ts, value);
        }
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

    private RollupRow Row(RollupTier tier, int i) =>
        new(SeriesId, StartMs + i * tier.Ms, Min[i], Max[i], Sum[i], Count[i], LastTs[i], Last[i]);

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
    /// (and count as zeros), so a read moves half of the bytes or less.
    /// </summary>
    public static string ColumnsFor(Aggregation aggregation) => aggregation switch
    {
        Aggregation.Avg => "series_id, chunk, NULL, NULL, sum, count, NULL, NULL",
        Aggregation.Min => "series_id, chunk, min, NULL, NULL, count, NULL, NULL",
        Aggregation.Max => "series_id, chunk, NULL, max, NULL, count, NULL, NULL",
        Aggregation.Last => "series_id, chunk, NULL, NULL, NULL, count, last_ts, last",
        _ => "series_id, chunk, NULL, NULL, NULL, count, NULL, NULL",
    };

    /// <summary>Reads and decodes a row selected with <see cref="Columns"/>.</summary>
    public static TierChunk Read(NpgsqlDataReader reader) => Encoded.Read(reader).Decode();

    /// <summary>
    /// A row as read, its fields still encoded (null where the read did not select them): decoding is left
    /// to whoever folds it, possibly on another core.
    /// </summary>
    public sealed record Encoded(long SeriesId, long StartMs, byte[]? Min, byte[]? Max, byte[]? Sum, byte[] Count, byte[]? LastTs, byte[]? Last)
    {
        /// <summary>Reads a row selected with <see cref="Columns"/> or <see cref="ColumnsFor"/>.</summary>
        public static Encoded Read(NpgsqlDataReader reader)
        {
            byte[]? Field(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<byte[]>(ordinal);
            return new(reader.GetInt64(0), reader.GetInt64(1), Field(2), Field(3), Field(4), reader.GetFieldValue<byte[]>(5), Field(6), Field(7));
        }

        /// <summary>
        /// Feeds the buckets that hold data to a query's step buckets, in time order, reading each value
        /// straight from its bytes: a long range is a thousand chunks, and decoding them into arrays first
        /// made most of its garbage.
        /// </summary>
        public void AddTo(RollupTier tier, StepAccumulator steps)
        {
            for (var i = 0; i < Count.Length / 8; i++)
            {
                var count = BinaryPrimitives.ReadInt64BigEndian(Count.AsSpan(i * 8));
                if (count > 0)
                {
                    steps.Add(new RollupRow(
                        SeriesId, StartMs + i * tier.Ms, Double(Min, i), Double(Max, i), Double(Sum, i), count,
                        LastTs is null ? 0 : BinaryPrimitives.ReadInt64BigEndian(LastTs.AsSpan(i * 8)), Double(Last, i)));
                }
            }
        }

        private static double Double(byte[]? field, int i) => field is null ? 0 : BinaryPrimitives.ReadDoubleBigEndian(field.AsSpan(i * 8));

        /// <summary>The chunk with its fields as arrays, to add to (a read for a merge selects every field).</summary>
        public TierChunk Decode() => new(SeriesId, StartMs, 0)
        {
            Min = Doubles(Min!),
            Max = Doubles(Max!),
            Sum = Doubles(Sum!),
            Count = Longs(Count),
            LastTs = Longs(LastTs!),
            Last = Doubles(Last!),
        };
    }

    /// <summary>The six fields as stored, in <see cref="Columns"/> order after series_id and chunk.</summary>
    public byte[][] Encode() => [Bytes(Min), Bytes(Max), Bytes(Sum), Bytes(Count), Bytes(LastTs), Bytes(Last)];

    // Big-endian 8-byte values, as float8send/int8send write them: one vectorised byte swap per field.
    private static byte[] Bytes(double[] values) => Bytes(MemoryMarshal.Cast<double, long>(values.AsSpan()));

    private static byte[] Bytes(Span<long> values)
    {
        var bytes = new byte[values.Length * 8];
        var target = MemoryMarshal.Cast<byte, long>(bytes.AsSpan());
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(values, target);
        }
        else
        {
            values.CopyTo(target);
        }

        return bytes;
    }

    private static double[] Doubles(byte[] bytes)
    {
        var values = new double[bytes.Length / 8];
        Swap(bytes, MemoryMarshal.Cast<double, long>(values.AsSpan()));
        return values;
    }

    private static long[] Longs(byte[] bytes)
    {
        var values = new long[bytes.Length / 8];
        Swap(bytes, values);
        return values;
    }

    private static void Swap(byte[] bytes, Span<long> values)
    {
        ReadOnlySpan<long> source = MemoryMarshal.Cast<byte, long>(bytes.AsSpan());
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(source, values);
        }
        else
        {
            source.CopyTo(values);
        }
    }
}
