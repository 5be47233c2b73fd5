using System.Numerics;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store.Chunks;

/// <summary>
/// The raw-sample codec both stores use: Gorilla's encoding (Pelkonen et al., 2015), as Prometheus's XOR
/// chunks have it — timestamps as delta-of-delta in a few prefix-coded widths, values as the XOR with the
/// previous value, written as "same", "inside the last window of meaningful bits" or "a new window".
/// A regular 15-s series costs one bit per timestamp; a value that repeats one bit; a counter or a gauge
/// with few decimals a dozen or two. Layout, in bits, most significant first:
/// <code>
/// count            uvarint
/// sample 0         ts: zig-zag varint, value: 64 raw bits
/// sample 1         ts: delta as uvarint, value: XOR
/// sample 2..       ts: delta-of-delta '0' | '10'+14 | '110'+17 | '1110'+20 | '1111'+64 bits, value: XOR
/// XOR              '0' (same) | '10'+bits in the previous window | '11'+5 bits leading zeros+6 bits length+bits
/// </code>
/// Round trips are bit-exact for every double (−0.0, subnormals, ±Inf, NaN payloads); the stores refuse NaN
/// before it gets here (<see cref="StoreRules"/>). Timestamps must strictly increase: a chunk holds one sample
/// per millisecond, and the stores refuse a second sample at a timestamp a series already holds.
/// </summary>
public static class SampleChunk
{
    /// <summary>Encodes samples in strictly increasing timestamp order.</summary>
    public static byte[] Encode(ReadOnlySpan<Sample> samples)
    {
        var writer = new BitWriter(16 + samples.Length * 2);
        writer.WriteUVarint((ulong)samples.Length);
        long previousTs = 0, previousDelta = 0;
        ulong previousBits = 0;
        int leading = -1, trailing = 0; // no window of meaningful bits yet
        for (var i = 0; i < samples.Length; i++)
        {
            var (ts, value) = (samples[i].TimestampMs, samples[i].Value);
            var bits = BitConverter.DoubleToUInt64Bits(value);
            if (i == 0)
            {
                writer.WriteVarint(ts);
                writer.Write(bits, 64);
                (previousTs, previousBits) = (ts, bits);
                continue;
            }

            if (ts <= previousTs)
            {
                throw new ArgumentException($"Chunk timestamps must strictly increase: {ts} follows {previousTs}.", nameof(samples));
            }

            // Unchecked: differences of far-apart timestamps wrap, and wrap back the same way on decoding.
            var delta = unchecked(ts - previousTs);
            if (i == 1)
            {
                writer.WriteUVarint((ulong)delta);
            }
            else
            {
                WriteDeltaOfDelta(writer, unchecked(delta - previousDelta));
            }

            WriteXor(writer, bits ^ previousBits, ref leading, ref trailing);
            (previousTs, previousDelta, previousBits) = (ts, delta, bits);
        }

        return writer.ToArray();
    }

    /// <summary>How many samples a chunk holds, read from its header.</summary>
    public static int Count(ReadOnlySpan<byte> chunk) => checked((int)new BitReader(chunk).ReadUVarint());

    /// <summary>Every sample of a chunk, appended to <paramref name="into"/>.</summary>
    public static void DecodeInto(ReadOnlySpan<byte> chunk, List<Sample> into)
    {
        var reader = new ChunkReader(chunk);
        into.EnsureCapacity(into.Count + reader.Count);
        while (reader.TryRead(out var sample))
        {
            into.Add(sample);
        }
    }

    /// <summary>
    /// The samples of a chunk from <paramref name="fromMs"/> to <paramref name="toMs"/>, folded as they are decoded:
    /// the samples before the range are decoded (the encoding reads from the chunk's start) but go no further —
    /// a range starting just before an hour reads all of the hour before for its last sample.
    /// </summary>
    public static void FoldInto(ReadOnlySpan<byte> chunk, StepFolder folder, long fromMs, long toMs)
    {
        var reader = new ChunkReader(chunk);
        while (reader.TryRead(out var sample))
        {
            if (sample.TimestampMs < fromMs)
            {
                continue;
            }

            if (sample.TimestampMs > toMs)
            {
                return;
            }

            folder.Add(sample.TimestampMs, sample.Value);
        }
    }

    public static List<Sample> Decode(ReadOnlySpan<byte> chunk)
    {
        var samples = new List<Sample>();
        DecodeInto(chunk, samples);
        return samples;
    }

    // Prometheus's widths: 14 bits hold a jitter of ±8 s, 17 of ±65 s, 20 of ±8.7 min.
    private static readonly (int Prefix, int PrefixBits, int ValueBits)[] Widths = [(0b10, 2, 14), (0b110, 3, 17), (0b1110, 4, 20)];

    private static void WriteDeltaOfDelta(BitWriter writer, long dod)
    {
        if (dod == 0)
        {
            writer.WriteBit(false);
            return;
        }

        foreach (var (prefix, prefixBits, valueBits) in Widths)
        {
            var half = 1L << (valueBits - 1);
            if (dod >= -half && dod < half)
            {
                writer.Write((ulong)prefix, prefixBits);
                writer.Write((ulong)dod, valueBits);
                return;
            }
        }

        writer.Write(0b1111, 4);
        writer.Write((ulong)dod, 64);
    }

    internal static long ReadDeltaOfDelta(ref BitReader reader)
    {
        // The prefix ('0', '10', '110', '1110', '1111') in one look: a regular series is '0' every time.
        var prefix = reader.Peek(4);
        if (prefix < 0b1000)
        {
            reader.Skip(1);
            return 0;
        }

        var (skip, valueBits) = prefix switch
        {
            < 0b1100 => (2, 14),
            < 0b1110 => (3, 17),
            0b1110 => (4, 20),
            _ => (4, 64),
        };
        reader.Skip(skip);
        var raw = reader.Read(valueBits);
        // Sign-extend the value's top bit.
        return valueBits == 64 ? (long)raw : (long)(raw << (64 - valueBits)) >> (64 - valueBits);
    }

    private static void WriteXor(BitWriter writer, ulong xor, ref int leading, ref int trailing)
    {
        if (xor == 0)
        {
            writer.WriteBit(false);
            return;
        }

        // Five bits hold up to 31 leading zeros; more are written as meaningful zeros.
        var lead = Math.Min(BitOperations.LeadingZeroCount(xor), 31);
        var trail = BitOperations.TrailingZeroCount(xor);
        if (leading >= 0 && lead >= leading && trail >= trailing)
        {
            writer.Write(0b10, 2);
            writer.Write(xor >> trailing, 64 - leading - trailing);
            return;
        }

        (leading, trailing) = (lead, trail);
        var length = 64 - lead - trail;
        writer.Write(0b11, 2);
        writer.Write((ulong)lead, 5);
        writer.Write((ulong)(length & 63), 6); // 64 meaningful bits are written as 0
        writer.Write(xor >> trail, length);
    }

    internal static ulong ReadXor(ref BitReader reader, ref int leading, ref int trailing)
    {
        // '0', '10' or '11' in one look.
        var prefix = reader.Peek(2);
        if (prefix < 0b10)
        {
            reader.Skip(1);
            return 0;
        }

        reader.Skip(2);
        if (prefix == 0b11)
        {
            leading = (int)reader.Read(5);
            var length = (int)reader.Read(6);
            trailing = 64 - leading - (length == 0 ? 64 : length);
            if (trailing < 0)
            {
                throw new InvalidDataException("The sample chunk holds an impossible bit window (corrupt).");
            }
        }
        else if (leading < 0)
        {
            throw new InvalidDataException("The sample chunk reuses a bit window before it set one (corrupt).");
        }

        return reader.Read(64 - leading - trailing) << trailing;
    }
}
