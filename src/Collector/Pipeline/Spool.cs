using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// The write buffer's write-ahead log: every batch of samples is appended before it is buffered, and marked done once
/// the store has it (or it was dropped), so a collector killed while the store is away replays, in order, exactly what
/// the store has not got. Before a store write the batches are marked as being written, so after a crash the ones whose
/// write may have committed are known and checked against the store rather than written twice. The log itself (its
/// segments, records, limit and syncs) is a <see cref="SegmentLog"/>; this is its encoding of samples.
/// </summary>
public sealed class Spool : IDisposable
{
    private readonly SegmentLog _log;

    private Spool(SegmentLog log) => _log = log;

    /// <summary>A batch read back from the log at start: in order, and whether a store write of it may have committed.</summary>
    public sealed record Replayed(long Id, IReadOnlyList<SeriesSample> Samples, bool InDoubt);

    public long MaxBytes => _log.MaxBytes;

    public long Bytes => _log.Bytes;

    /// <summary>Opens (creating) the log in <paramref name="directory"/> and returns what it holds that the store has not got.</summary>
    public static Spool Open(string directory, long maxBytes, TimeProvider time, out IReadOnlyList<Replayed> replayed)
    {
        var log = SegmentLog.Open(directory, maxBytes, time, out var open);
        replayed = open.Select(b => new Replayed(b.Id, ReadSamples(new BinaryReader(new MemoryStream(b.Payload))), b.InDoubt)).ToList();
        return new Spool(log);
    }

    /// <summary>Appends a batch; returns its id, and the ids of batches dropped to stay within the size limit.</summary>
    public long Append(IReadOnlyList<SeriesSample> samples, out IReadOnlyList<long> dropped)
    {
        var payload = new MemoryStream();
        WriteSamples(new BinaryWriter(payload), samples);
        return _log.Append(payload.GetBuffer().AsSpan(0, (int)payload.Length), out dropped);
    }

    /// <summary>Marks batches as being written to the store, durably, before the write starts.</summary>
    public void Writing(IReadOnlyCollection<long> ids) => _log.Writing(ids);

    /// <summary>Marks batches done (in the store, or dropped): they are not replayed, and a segment with none open is deleted.</summary>
    public void Done(IEnumerable<long> ids) => _log.Done(ids);

    public void Dispose() => _log.Dispose();

    private static void WriteSamples(BinaryWriter writer, IReadOnlyList<SeriesSample> samples)
    {
        writer.Write(samples.Count);
        foreach (var sample in samples)
        {
            writer.Write(sample.Key.Name);
            writer.Write(sample.Key.Labels.Count);
            foreach (var label in sample.Key.Labels)
            {
                writer.Write(label.Name);
                writer.Write(label.Value);
            }

            writer.Write(sample.TimestampMs);
            writer.Write(sample.Value);
        }
    }

    private static List<SeriesSample> ReadSamples(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var samples = new List<SeriesSample>(count);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var labels = new Label[reader.ReadInt32()];
            for (var j = 0; j < labels.Length; j++)
            {
                labels[j] = new Label(reader.ReadString(), reader.ReadString());
            }

            samples.Add(new SeriesSample(new SeriesKey(name, labels), reader.ReadInt64(), reader.ReadDouble()));
        }

        return samples;
    }
}
