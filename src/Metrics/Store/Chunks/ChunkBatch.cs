using System.Runtime.InteropServices;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store.Chunks;

/// <summary>
/// A write batch's samples grouped into the chunks they belong to — one per series and hour
/// (<see cref="WindowMs"/>) — and merged into what each chunk already holds. A chunk keeps one sample per
/// timestamp: a repeated timestamp, in the batch or already stored, is refused (and kept out of the rollups),
/// so a write retried after a commit whose reply was lost does not count twice.
/// </summary>
public sealed class ChunkBatch
{
    /// <summary>
    /// A chunk spans a fixed hour: 240 samples at 15 s (Prometheus cuts at 120), a few hundred bytes, so a row
    /// stays in line in a PostgreSQL page and a SQLite leaf; fixed spans keep day partitions and retention whole.
    /// </summary>
    public const long WindowMs = 3_600_000;

    private readonly Dictionary<(long SeriesId, long StartMs), List<Sample>> _pending = new();

    private ChunkBatch()
    {
    }

    /// <summary>The start of the chunk holding a time.</summary>
    public static long StartOf(long timestampMs) => Math.DivRem(timestampMs, WindowMs, out var rem) * WindowMs - (rem < 0 ? WindowMs : 0);

    /// <summary>The chunks the batch touches.</summary>
    public IReadOnlyCollection<(long SeriesId, long StartMs)> Keys => _pending.Keys;

    /// <summary>Samples refused because their series already holds a sample at that timestamp.</summary>
    public int Duplicates { get; private set; }

    public static ChunkBatch Group(List<(long SeriesId, long TimestampMs, double Value)> rows)
    {
        var batch = new ChunkBatch();
        foreach (var (id, ts, value) in CollectionsMarshal.AsSpan(rows))
        {
            var key = (id, StartOf(ts));
            if (!batch._pending.TryGetValue(key, out var samples))
            {
                // Small at first: a pushed or polled batch holds one sample per series (27,000 lists of 256 were
                // 110 MB per write, measured); a backfill's hour of samples grows it a few times.
                batch._pending[key] = samples = new List<Sample>(4);
            }

            samples.Add(new Sample(ts, value));
        }

        foreach (var samples in batch._pending.Values)
        {
            batch.Duplicates += SortAndDeduplicate(samples);
        }

        return batch;
    }

    /// <summary>
    /// The chunk's new bytes with this batch's samples merged into what it held (null: nothing stored yet),
    /// the samples that were new, which the caller folds into the rollups, and all the samples the chunk now holds.
    /// </summary>
    public (byte[] Chunk, List<Sample> Added, List<Sample> Held) Apply((long SeriesId, long StartMs) key, byte[]? stored)
    {
        var incoming = _pending[key];
        if (stored is null)
        {
            return (SampleChunk.Encode(CollectionsMarshal.AsSpan(incoming)), incoming, incoming);
        }

        var existing = SampleChunk.Decode(stored);
        var added = new List<Sample>(incoming.Count);
        var merged = new List<Sample>(existing.Count + incoming.Count);
        // Appending after the last stored sample is the usual case; a merge handles late or replayed samples.
        int i = 0, j = 0;
        while (i < existing.Count || j < incoming.Count)
        {
            if (j == incoming.Count || (i < existing.Count && existing[i].TimestampMs < incoming[j].TimestampMs))
            {
                merged.Add(existing[i++]);
            }
            else if (i < existing.Count && existing[i].TimestampMs == incoming[j].TimestampMs)
            {
                merged.Add(existing[i++]);
                j++;
                Duplicates++;
            }
            else
            {
                merged.Add(incoming[j]);
                added.Add(incoming[j++]);
            }
        }

        return (added.Count == 0 ? stored : SampleChunk.Encode(CollectionsMarshal.AsSpan(merged)), added, merged);
    }

    /// <summary>Sorts by timestamp (stable: the first of equal timestamps stays) and drops the repeats; returns how many.</summary>
    private static int SortAndDeduplicate(List<Sample> samples)
    {
        var sorted = true;
        for (var i = 1; i < samples.Count && sorted; i++)
        {
            sorted = samples[i - 1].TimestampMs < samples[i].TimestampMs;
        }

        if (sorted)
        {
            return 0;
        }

        var ordered = samples.Select((s, i) => (s, i)).OrderBy(p => p.s.TimestampMs).ThenBy(p => p.i).Select(p => p.s).ToList();
        samples.Clear();
        foreach (var sample in ordered)
        {
            if (samples.Count == 0 || samples[^1].TimestampMs != sample.TimestampMs)
            {
                samples.Add(sample);
            }
        }

        return ordered.Count - samples.Count;
    }

    /// <summary>The reason given for refused repeats.</summary>
    public string DuplicateReason => $"{Duplicates} sample(s) repeat a timestamp their series already holds; the first one is kept.";
}
