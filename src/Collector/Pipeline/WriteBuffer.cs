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

    /// <summary>Waits for samples and returns up to <paramref name="max"/> of the oldest without removing them.</summary>
    public async Task<IReadOnlyList<SeriesSample>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_batches.Count > 0)
                {
                    var taken = new List<SeriesSample>();
                    foreach (var batch in _batches)
                    {
                        if (taken.Count > 0 && taken.Count + batch.Count > max)
                        {
                            break;
                        }

                        taken.AddRange(batch);
                    }

                    return taken;
                }
            }

            await _signal.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Removes what <see cref="PeekAsync"/> returned, once it is safely stored.</summary>
    public void Remove(int samples)
    {
        lock (_gate)
        {
            while (samples > 0 && _batches.Count > 0)
            {
                var first = _batches.First!.Value;
                if (first.Count > samples)
                {
                    break; // Dropped and replaced meanwhile; the rest is still unwritten.
                }

                _batches.RemoveFirst();
                _count -= first.Count;
                samples -= first.Count;
            }

            CollectorMetrics.BufferedSamples.Set(_count);
        }
    }
}
