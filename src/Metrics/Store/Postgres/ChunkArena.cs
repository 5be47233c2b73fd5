using System.Buffers;
using Npgsql;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>
/// The chunks of a raw read, copied from the rows into one pooled buffer and listed by series, instead of one new
/// array per chunk: a 1-h read of 50 series is 100 chunk arrays, which with the other garbage of a request made the
/// collections that a 1-h query spent a sixth of its time waiting on (dotnet-trace, PollGC).
/// </summary>
internal sealed class ChunkArena : IDisposable
{
    private readonly Dictionary<long, List<(int Offset, int Length)>> _bySeries = [];
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private int _used;

    public ChunkArena(IEnumerable<long> seriesIds)
    {
        foreach (var id in seriesIds)
        {
            _bySeries[id] = [];
        }
    }

    /// <summary>Chunks held.</summary>
    public int Count { get; private set; }

    /// <summary>Copies the current row's chunk (a bytea column) for the series in another column.</summary>
    public void Add(NpgsqlDataReader reader, int seriesColumn, int dataColumn)
    {
        var length = checked((int)reader.GetBytes(dataColumn, 0, null, 0, 0));
        if (_bytes.Length - _used < length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _used + length));
            _bytes.AsSpan(0, _used).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = larger;
        }

        reader.GetBytes(dataColumn, 0, _bytes, _used, length);
        _bySeries[reader.GetInt64(seriesColumn)].Add((_used, length));
        _used += length;
        Count++;
    }

    /// <summary>A series' chunks in the order read.</summary>
    public List<(int Offset, int Length)> Of(long seriesId) => _bySeries[seriesId];

    public ReadOnlySpan<byte> Bytes((int Offset, int Length) chunk) => _bytes.AsSpan(chunk.Offset, chunk.Length);

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
    }
}
