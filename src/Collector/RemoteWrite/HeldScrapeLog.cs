using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>
/// The receiver's write-ahead log of held scrapes: a pushed sample that waits in a <see cref="PushedTarget"/> for the
/// rest of its scrape has been acknowledged to Prometheus, which will not send it again, so before the push is
/// answered it is appended here (a <see cref="Spool"/> of its own, in a folder under Collector:SpoolPath). A batch is
/// marked done once every scrape it holds a part of has been derived and handed to the write buffer (whose own spool
/// has it by then); a receiver killed in between reads the open batches back at start and holds their scrapes again.
/// <para>
/// A scrape read back after it had already been derived (a crash between the hand-over and the done mark, or a batch
/// holding parts of several scrapes of which only some were derived) is derived a second time: the store refuses the
/// repeated timestamps and keeps the first, so nothing is counted twice.
/// </para>
/// </summary>
public sealed class HeldScrapeLog : IDisposable
{
    private readonly Spool _spool;
    private readonly Dictionary<long, int> _references = [];
    private readonly List<long> _released = [];

    private HeldScrapeLog(Spool spool) => _spool = spool;

    /// <summary>The log's folder under the write buffer's spool folder.</summary>
    public const string FolderName = "remote-write-held";

    public long Bytes => _spool.Bytes;

    /// <summary>Opens (creating) the log; <paramref name="replayed"/> is what an earlier run held and never derived, oldest first.</summary>
    public static HeldScrapeLog Open(string directory, long maxBytes, TimeProvider time, out IReadOnlyList<Spool.Replayed> replayed) =>
        new(Spool.Open(directory, maxBytes, time, out replayed));

    /// <summary>Appends the newly held samples of one push (full keys: name, labels, job, instance); returns the batch's id.</summary>
    public long Append(IReadOnlyList<SeriesSample> samples)
    {
        var id = _spool.Append(samples, out var dropped);
        if (dropped.Count > 0)
        {
            // Still held in memory, but no longer safe from a crash: the log reached RemoteWrite:HeldLogMaxBytes.
            RemoteWriteMetrics.HeldBatchesUnlogged.Inc(dropped.Count);
            foreach (var gone in dropped)
            {
                _references.Remove(gone);
            }
        }

        return id;
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

    /// <summary>Marks the released batches done: called once what their scrapes gave is in the write buffer.</summary>
    public void MarkReleasedDone()
    {
        if (_released.Count > 0)
        {
            _spool.Done(_released);
            _released.Clear();
        }
    }

    public void Dispose() => _spool.Dispose();
}
