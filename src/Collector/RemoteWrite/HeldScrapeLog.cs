using System.Text;
using X0tta6bl4.Ops.Collector.Pipeline;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>
/// The receiver's write-ahead log of held scrapes: a pushed sample that waits in a <see cref="PushedTarget"/> for the
/// rest of its scrape has been acknowledged to Prometheus, which will not send it again, so before the push is
/// answered its body — as it came, snappy-compressed — is appended here (a <see cref="SegmentLog"/> in a folder under
/// Collector:SpoolPath) with the scrapes (job, instance, timestamp) it left held. A batch is marked done once every
/// one of those scrapes has been derived and handed to the write buffer (whose own spool has it by then); a receiver
/// killed in between reads the open batches back at start and holds their scrapes again, from their bodies.
/// <para>
/// The body rather than the held samples: it is what Prometheus sent, about 15 bytes a sample, and appending it costs a
/// copy, where encoding the held samples with their labels cost about a third of the intake (<c>bench/run
/// remote-write</c>'s intake: 122,376 samples/s with them, 154,905–180,372 without a log in runs of the same hour).
/// </para>
/// <para>
/// A scrape read back after it had been derived (a crash between the hand-over and the done mark) is derived a
/// second time: the store refuses the repeated timestamps and keeps the first, so nothing is counted twice.
/// </para>
/// </summary>
public sealed class HeldScrapeLog : IDisposable
{
    private readonly SegmentLog _log;
    private readonly Dictionary<long, int> _references = [];
    private readonly List<long> _released = [];

    private HeldScrapeLog(SegmentLog log) => _log = log;

    /// <summary>The log's folder under the write buffer's spool folder.</summary>
    public const string FolderName = "remote-write-held";

    /// <summary>A scrape a push left held: its target and timestamp.</summary>
    public readonly record struct HeldScrape(string Job, string Instance, long TimestampMs);

    /// <summary>A push read back at start: the scrapes it left held, and its body.</summary>
    public sealed record Batch(long Id, IReadOnlyList<HeldScrape> Held, byte[] Body);

    public long Bytes => _log.Bytes;

    /// <summary>Opens (creating) the log; <paramref name="replayed"/> is what an earlier run held and never derived, oldest first.</summary>
    public static HeldScrapeLog Open(string directory, long maxBytes, TimeProvider time, out IReadOnlyList<Batch> replayed)
    {
        var log = new HeldScrapeLog(SegmentLog.Open(directory, maxBytes, time, out var open));
        replayed = open.Select(b => Read(b.Id, b.Payload)).ToList();
        return log;
    }

    /// <summary>Appends a push's body with the scrapes it left held; returns the batch's id.</summary>
    public long Append(IReadOnlyList<HeldScrape> held, ReadOnlySpan<byte> body)
    {
        var payload = new MemoryStream(body.Length + 64 * held.Count + 4);
        var writer = new BinaryWriter(payload, Encoding.UTF8);
        writer.Write(held.Count);
        foreach (var scrape in held)
        {
            writer.Write(scrape.Job);
            writer.Write(scrape.Instance);
            writer.Write(scrape.TimestampMs);
        }

        writer.Write(body);
        var id = _log.Append(payload.GetBuffer().AsSpan(0, (int)payload.Length), out var dropped);
        if (dropped.Count > 0)
        {
            // Still held in memory, but no longer safe from a crash: the log reached RemoteWrite:HeldLogMaxBytes.
            RemoteWriteMetrics.Default.HeldBatchesUnlogged.Inc(dropped.Count);
            foreach (var gone in dropped)
            {
                _references.Remove(gone);
            }
        }

        return id;
    }

    private static Batch Read(long id, byte[] payload)
    {
        var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        var held = new HeldScrape[reader.ReadInt32()];
        for (var i = 0; i < held.Length; i++)
        {
            held[i] = new HeldScrape(reader.ReadString(), reader.ReadString(), reader.ReadInt64());
        }

        return new Batch(id, held, payload[(int)reader.BaseStream.Position..]);
    }

    /// <summary>A held scrape has a part in batch <paramref name="id"/>.</summary>
    public void Reference(long id) => _references[id] = _references.GetValueOrDefault(id) + 1;

    /// <summary>A scrape with a part in batch <paramref name="id"/> was derived; the batch is done when none is left.</summary>
    public void Release(long id)
    {
        if (!_references.TryGetValue(id, out var count))
        {
            return; // dropped beyond the size limit
        }

        if (count > 1)
        {
            _references[id] = count - 1;
            return;
        }

        _references.Remove(id);
        _released.Add(id);
    }

    /// <summary>
    /// Marks the released batches done: called once what their scrapes gave is in the write buffer. A mark that cannot
    /// be written (a full disk) is tried again at the next call; until then the batch would be held again after a crash.
    /// </summary>
    public void MarkReleasedDone()
    {
        if (_released.Count == 0)
        {
            return;
        }

        try
        {
            _log.Done(_released);
            _released.Clear();
        }
        catch (IOException)
        {
            RemoteWriteMetrics.Default.HeldLogErrors.Inc();
        }
    }

    /// <summary>
    /// What the released batches' scrapes gave did not reach the write buffer: the batches stay open (held again at
    /// the next start) instead of being marked done.
    /// </summary>
    public void KeepReleasedOpen() => _released.Clear();

    /// <summary>A batch read back at start that cannot be held again (its body no longer decodes): marked done, counted by the caller.</summary>
    public void Discard(long id)
    {
        try
        {
            _log.Done([id]);
        }
        catch (IOException)
        {
            RemoteWriteMetrics.Default.HeldLogErrors.Inc();
        }
    }

    public void Dispose() => _log.Dispose();
}
