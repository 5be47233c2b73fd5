using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// Holds collected samples until the store takes them. Bounded by a sample count: beyond it the
/// oldest batches are dropped (and counted), so a long store outage cannot exhaust memory. With a
/// <see cref="Spool"/>, every batch is logged to disk first, so a restart replays what the store has not got.
/// </summary>
public sealed class WriteBuffer
{
    private readonly object _gate = new();
    private readonly LinkedList<Entry> _batches = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Spool? _spool;
    private long _count;

    /// <summary>A buffered batch: its id in the spool (0 without one), and whether a store write of it may have committed.</summary>
    public sealed class Entry(long id, IReadOnlyList<SeriesSample> samples, bool inDoubt)
    {
        public long Id { get; } = id;

        public IReadOnlyList<SeriesSample> Samples { get; } = samples;

        public bool InDoubt { get; set; } = inDoubt;
    }

    public WriteBuffer(int capacity, Spool? spool = null, IReadOnlyList<Spool.Replayed>? replayed = null)
    {
        Capacity = capacity;
        _spool = spool;
        foreach (var batch in replayed ?? [])
        {
            _batches.AddLast(new Entry(batch.Id, batch.Samples, batch.InDoubt));
            _count += batch.Samples.Count;
            Replayed += batch.Samples.Count;
        }

        if (_batches.Count > 0)
        {
            lock (_gate)
            {
                DropOverCapacity();
            }

            _signal.Release();
        }

        CollectorMetrics.BufferedSamples.Set(_count);
        CollectorMetrics.BufferCapacity.Set(capacity);
    }

    public int Capacity { get; }

    public long Count => Interlocked.Read(ref _count);

    public long Dropped { get; private set; }

    /// <summary>Samples read back from the spool at start.</summary>
    public long Replayed { get; }

    /// <summary>Bytes the spool holds on disk; null without a spool.</summary>
    public long? SpoolBytes => _spool?.Bytes;

    public long? SpoolMaxBytes => _spool?.MaxBytes;

    public void Add(IReadOnlyList<SeriesSample> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            var id = 0L;
            if (_spool is not null)
            {
                id = _spool.Append(batch, out var trimmed);
                if (trimmed.Count > 0)
                {
                    var gone = trimmed.ToHashSet();
                    for (var node = _batches.First; node is not null;)
                    {
                        var next = node.Next;
                        if (gone.Contains(node.Value.Id))
                        {
                            Drop(node);
                        }

                        node = next;
                    }
                }

                CollectorMetrics.SpoolBytes.Set(_spool.Bytes);
            }

            _batches.AddLast(new Entry(id, batch, false));
            _count += batch.Count;
            DropOverCapacity();
            CollectorMetrics.BufferedSamples.Set(_count);
        }

        _signal.Release();
    }

    private void DropOverCapacity()
    {
        var dropped = new List<long>();
        while (_count > Capacity && _batches.Count > 1)
        {
            dropped.Add(_batches.First!.Value.Id);
            Drop(_batches.First);
        }

        _spool?.Done(dropped);
    }

    private void Drop(LinkedListNode<Entry> node)
    {
        _batches.Remove(node);
        _count -= node.Value.Samples.Count;
        Dropped += node.Value.Samples.Count;
        CollectorMetrics.BufferDropped.Inc(node.Value.Samples.Count);
    }

    /// <summary>Samples taken for one write, and the batches they came from (removed only once written).</summary>
    public sealed record Taken(IReadOnlyList<SeriesSample> Samples, IReadOnlyList<Entry> Batches);

    /// <summary>Waits for samples and returns up to <paramref name="max"/> of the oldest (whole batches) without removing them.</summary>
    public async Task<Taken> PeekAsync(int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_batches.Count > 0)
                {
                    var samples = new List<SeriesSample>();
                    var batches = new List<Entry>();
                    foreach (var batch in _batches)
                    {
                        if (samples.Count > 0 && samples.Count + batch.Samples.Count > max)
                        {
                            break;
                        }

                        samples.AddRange(batch.Samples);
                        batches.Add(batch);
                    }

                    return new Taken(samples, batches);
                }
            }

            await _signal.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Logs, durably, that these batches are about to be written: after a crash they are checked against the store.</summary>
    public void Writing(Taken taken) => _spool?.Writing(taken.Batches.Select(b => b.Id).ToList());

    /// <summary>A write that failed may still have committed (the answer lost on the way): check before writing again.</summary>
    public void Failed(Taken taken)
    {
        if (_spool is null)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var batch in taken.Batches)
            {
                batch.InDoubt = true;
            }
        }
    }

    /// <summary>
    /// Removes the batches of a write that succeeded. A batch the capacity limit dropped meanwhile is
    /// simply gone already; batches added meanwhile stay, whatever their size.
    /// </summary>
    public void Remove(Taken written) => Remove(written.Batches);

    public void Remove(IReadOnlyList<Entry> written)
    {
        lock (_gate)
        {
            foreach (var batch in written)
            {
                for (var node = _batches.First; node is not null; node = node.Next)
                {
                    if (ReferenceEquals(node.Value, batch))
                    {
                        _batches.Remove(node);
                        _count -= batch.Samples.Count;
                        break;
                    }
                }
            }

            _spool?.Done(written.Select(b => b.Id));
            if (_spool is not null)
            {
                CollectorMetrics.SpoolBytes.Set(_spool.Bytes);
            }

            CollectorMetrics.BufferedSamples.Set(_count);
        }
    }
}
