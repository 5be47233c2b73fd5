namespace X0tta6bl4.Ops.Metrics.Store.Chunks;

/// <summary>
/// Writes bits most significant first into a growing buffer, 64 at a time through one accumulator: a chunk
/// is a few hundred samples of a few bits each, and a byte at a time made encoding twice as slow.
/// </summary>
internal sealed class BitWriter(int capacity = 256)
{
    private byte[] _buffer = new byte[Math.Max(capacity, 16)];
    private int _bytes;
    private ulong _accumulator;
    private int _used;

    /// <summary>Writes the low <paramref name="count"/> bits of <paramref name="value"/> (1–64).</summary>
    public void Write(ulong value, int count)
    {
        if (count < 64)
        {
            value &= (1UL << count) - 1;
        }

        var free = 64 - _used;
        if (count < free)
        {
            _accumulator |= value << (free - count);
            _used += count;
            return;
        }

        // Fill the accumulator, flush it, and start the next with what is left.
        var rest = count - free;
        _accumulator |= value >> rest;
        Flush();
        if (rest > 0)
        {
            _accumulator = value << (64 - rest);
            _used = rest;
        }
    }

    public void WriteBit(bool bit) => Write(bit ? 1UL : 0UL, 1);

    /// <summary>An unsigned LEB128 varint, as bits (8 per group).</summary>
    public void WriteUVarint(ulong value)
    {
        while (value >= 0x80)
        {
            Write((value & 0x7F) | 0x80, 8);
            value >>= 7;
        }

        Write(value, 8);
    }

    /// <summary>A signed varint, zig-zag encoded so that small negative numbers stay short.</summary>
    public void WriteVarint(long value) => WriteUVarint((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>The bytes written, the last one padded with zero bits.</summary>
    public byte[] ToArray()
    {
        var tail = (_used + 7) / 8;
        var result = new byte[_bytes + tail];
        _buffer.AsSpan(0, _bytes).CopyTo(result);
        for (var i = 0; i < tail; i++)
        {
            result[_bytes + i] = (byte)(_accumulator >> (56 - 8 * i));
        }

        return result;
    }

    private void Flush()
    {
        if (_bytes + 8 > _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_bytes), _accumulator);
        _bytes += 8;
        _accumulator = 0;
        _used = 0;
    }
}
