using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store.Chunks;

/// <summary>
/// Reads a <see cref="SampleChunk"/> sample by sample without allocating, so a range read folds straight
/// from the stored bytes.
/// </summary>
public ref struct ChunkReader
{
    private BitReader _reader;
    private int _read;
    private long _ts, _delta;
    private ulong _bits;
    private int _leading = -1, _trailing;

    public ChunkReader(ReadOnlySpan<byte> chunk)
    {
        _reader = new BitReader(chunk);
        var count = _reader.ReadUVarint();
        if (count > (ulong)chunk.Length * 8)
        {
            throw new InvalidDataException($"The sample chunk says it holds {count} samples in {chunk.Length} bytes (corrupt).");
        }

        Count = (int)count;
    }

    /// <summary>How many samples the chunk holds.</summary>
    public int Count { get; }

    public bool TryRead(out Sample sample)
    {
        if (_read == Count)
        {
            sample = default;
            return false;
        }

        if (_read == 0)
        {
            _ts = _reader.ReadVarint();
            _bits = _reader.Read(64);
        }
        else
        {
            _delta = _read == 1 ? (long)_reader.ReadUVarint() : unchecked(_delta + SampleChunk.ReadDeltaOfDelta(ref _reader));
            _ts = unchecked(_ts + _delta);
            _bits ^= SampleChunk.ReadXor(ref _reader, ref _leading, ref _trailing);
        }

        _read++;
        sample = new Sample(_ts, BitConverter.UInt64BitsToDouble(_bits));
        return true;
    }
}
