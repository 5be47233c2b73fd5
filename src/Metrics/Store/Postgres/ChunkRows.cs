using Npgsql;
using X0tta6bl4.Ops.Metrics.Store.Chunks;

namespace X0tta6bl4.Ops.Metrics.Store.Postgres;

/// <summary>Chunk rows to write — key, bytes and the hour's summary — as the column arrays of one unnest() upsert.</summary>
internal sealed class ChunkRows(int capacity)
{
    private readonly List<long> _ids = new(capacity), _starts = new(capacity), _counts = new(capacity), _lastTs = new(capacity);
    private readonly List<byte[]> _data = new(capacity);
    private readonly List<double> _min = new(capacity), _max = new(capacity), _sum = new(capacity), _last = new(capacity);

    public int Count => _ids.Count;

    public void Add(long seriesId, long startMs, byte[] data, ChunkSummary summary)
    {
        _ids.Add(seriesId);
        _starts.Add(startMs);
        _data.Add(data);
        _min.Add(summary.Min);
        _max.Add(summary.Max);
        _sum.Add(summary.Sum);
        _counts.Add(summary.Count);
        _lastTs.Add(summary.LastTs);
        _last.Add(summary.Last);
    }

    /// <summary>$1–$9: series_id, start, data, min, max, sum, count, last_ts, last.</summary>
    public void AddParameters(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue(_ids.ToArray());
        command.Parameters.AddWithValue(_starts.ToArray());
        command.Parameters.AddWithValue(_data.ToArray());
        AddSummaries(command);
    }

    /// <summary>$1–$8: series_id, start, min, max, sum, count, last_ts, last — the rows without their bytes.</summary>
    public void AddSummaryParameters(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue(_ids.ToArray());
        command.Parameters.AddWithValue(_starts.ToArray());
        AddSummaries(command);
    }

    private void AddSummaries(NpgsqlCommand command)
    {
        command.Parameters.AddWithValue(_min.ToArray());
        command.Parameters.AddWithValue(_max.ToArray());
        command.Parameters.AddWithValue(_sum.ToArray());
        command.Parameters.AddWithValue(_counts.ToArray());
        command.Parameters.AddWithValue(_lastTs.ToArray());
        command.Parameters.AddWithValue(_last.ToArray());
    }
}
