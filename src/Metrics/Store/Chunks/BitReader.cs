using System.Buffers.Binary;

namespace X0tta6bl4.Ops.Metrics.Store.Chunks;

/// <summary>Reads what <see cref="BitWriter"/> wrote; reading past the end is a corrupt chunk, said as such.</summary>
internal ref struct BitReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private long _position;

    /// <summary>Reads <paramref name="count"/> bits (1–64) as the low bits of the result.</summary>
    public ulong Read(int count)
    {
        if (count > 56)
        {
            // A 64-bit window starting mid-byte holds 57 bits at least: longer reads are two.
            var high = Read(count - 32);
            return (high << 32) | Read(32);
        }

        if (_position + count > (long)_bytes.Length * 8)
        {
            throw new InvalidDataException("The sample chunk ends in the middle of a sample (corrupt or cut short).");
        }

        var index = (int)(_position >> 3);
        ulong word;
        if (index + 8 <= _bytes.Length)
        {
            word = BinaryPrimitives.ReadUInt64BigEndian(_bytes[index..]);
        }
        else
        {
            Span<byte> padded = stackalloc byte[8];
            _bytes[index..].CopyTo(padded);
            word = BinaryPrimitives.ReadUInt64BigEndian(padded);
        }

        var value = (word << (int)(_position & 7)) >> (64 - count);
        _position += count;
        return value;
    }

    public bool ReadBit() => Read(1) != 0;

    public ulong ReadUVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var group = Read(8);
            value |= (group & 0x7F) << shift;
            if ((group & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("The sample chunk holds a varint longer than 64 bits (corrupt).");
    }

    public long ReadVarint()
    {
        var raw = ReadUVarint();
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }
}
