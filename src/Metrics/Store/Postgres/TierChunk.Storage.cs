using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Npgsql;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// How a chunk is stored: each field is bytea, 8 bytes per position, big-endian as float8send/int8send write
/// them. PostgreSQL copies bytea as it is, where a float8[] is taken apart and checked element by element —
/// that was most of the cost of writing a batch's rollups.
/// </summary>
internal sealed partial class TierChunk
{
    public static string Table(RollupTier tier) => $"rollup_{tier.Name}_chunks";

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
        Aggregation.Last or Aggregation.LastSample => "series_id, chunk, NULL, NULL, NULL, count, last_ts, last",
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
        public void AddTo(RollupTier tier, IRollupSink steps)
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
