using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// Holds collected samples until the store takes them. Bounded by a sample count: beyond it the
/// oldest batches are dropped (and counted), so a long store outage cannot exhaust memory.
/// </summary>
public sealed class WriteBuffer
{
    private readonly object _gate = new();
    private readonly LinkedList<IReadOnlyList<SeriesSample>> _batches = new();
    private readonly SemaphoreSlim _signal = new(0);
    private long _count;

    public WriteBuffer(int capacity) => Capacity = capacity;

    public int Capacity { get; }

    public long Count => Interlocked.Read(ref _count);

    public long Dropped { get; private set; }

    public void Add(IReadOnlyList<SeriesSample> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _batches.AddLast(batch);
            _count += batch.Count;
            while (_count > Capacity && _batches.Count > 1)
            {
                var oldest = _batches.First!.Value;
                _batches.RemoveFirst();
                _count -= oldest.Count;
                Dropped += oldest.Count;
                CollectorMetrics.BufferDropped.Inc(oldest.Count);
            }

            CollectorMetrics.BufferedSamples.Set(_count);
        }

        _signal.Release();
    }

    /// <summary>Samples taken for one write, and the batches they came from (removed only once written).</summary>
    public sealed record Taken(IReadOnlyList<SeriesSample> Samples, IReadOnlyList<IReadOnlyList<SeriesSample>> Batches);

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
                    var batches = new List<IReadOnlyList<SeriesSample>>();
                    foreach (var batch in _batches)
                    {
                        if (samples.Count > 0 && samples.Count + batch.Count > max)
                        {
                            break;
                        }

                        samples.AddRange(batch);
                        batches.Add(batch);
                    }

                    return new Taken(samples, batches);
                }
            }

            await _signal.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Removes the batches of a write that succeeded. A batch the capacity limit dropped meanwhile is
    /// simply gone already; batches added meanwhile stay, whatever their size.
    /// </summary>
    public void Remove(Taken written)
    {
        lock (_gate)
        {
            foreach (var batch in written.Batches)
            {
                for (var node = _batches.First; node is not null; node = node.Next)
                {
                    if (ReferenceEquals(node.Value, batch))
                    {
                        _batches.Remove(node);
                        _count -= batch.Count;
                        break;
                    }
                }
            }

            CollectorMetrics.BufferedSamples.Set(_count);
        }
    }
}
