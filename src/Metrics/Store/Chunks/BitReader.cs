using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace X0tta6bl4.Ops.Metrics.Store.Chunks;

/// <summary>
/// Reads what <see cref="BitWriter"/> wrote, from a 64-bit buffer refilled eight bytes at a time (a bit-by-bit
/// reader made decoding 100 ns a sample, most of a raw range read); reading past the end is a corrupt chunk, said as such.
/// </summary>
internal ref struct BitReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private ulong _buffer; // the next bits, most significant first
    private int _bits;     // how many of them are valid
    private int _index;    // the next byte to load

    /// <summary>Reads <paramref name="count"/> bits (1–64) as the low bits of the result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Read(int count)
    {
        if (count > 56)
        {
            // A refill can leave as few as 57 bits: longer reads are two.
            var high = Read(count - 32);
            return (high << 32) | Read(32);
        }

        if (_bits < count)
        {
            Refill();
            if (_bits < count)
            {
                throw new InvalidDataException("The sample chunk ends in the middle of a sample (corrupt or cut short).");
            }
        }

        var value = _buffer >> (64 - count);
        _buffer <<= count;
        _bits -= count;
        return value;
    }

    /// <summary>
    /// The next <paramref name="count"/> bits (1–8) without consuming them; past the end they read as zeros.
    /// A prefix code is then told apart with one look instead of a read per bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Peek(int count)
    {
        if (_bits < count)
        {
            Refill();
        }

        return (uint)(_buffer >> (64 - count));
    }

    /// <summary>Consumes bits already looked at with <see cref="Peek"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int count)
    {
        if (_bits < count)
        {
            throw new InvalidDataException("The sample chunk ends in the middle of a sample (corrupt or cut short).");
        }

        _buffer <<= count;
        _bits -= count;
    }

    private void Refill()
    {
        var whole = (64 - _bits) >> 3; // bytes that fit in the buffer
        if (_index + 8 <= _bytes.Length)
        {
            var word = BinaryPrimitives.ReadUInt64BigEndian(_bytes[_index..]);
            // The first `whole` bytes of the word, placed just after the valid bits (whole is at least 1 here).
            _buffer |= (word >> (64 - whole * 8)) << (64 - _bits - whole * 8);
            _index += whole;
            _bits += whole * 8;
            return;
        }

        for (; whole > 0 && _index < _bytes.Length; whole--)
        {
            _buffer |= (ulong)_bytes[_index++] << (56 - _bits);
            _bits += 8;
        }
    }

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
