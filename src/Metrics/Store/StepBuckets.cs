using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>Folds time-ordered raw samples into step buckets, the same way for every store.</summary>
public static class StepBuckets
{
    public static IReadOnlyList<Sample> Aggregate(IEnumerable<Sample> ordered, RangeQuery query) =>
        Aggregate(ordered is List<Sample> list ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list) : ordered.ToArray(), query);

    /// <summary>Over a span: a raw read folds tens of thousands of samples, and an enumerator's calls were half of it.</summary>
    public static IReadOnlyList<Sample> Aggregate(ReadOnlySpan<Sample> ordered, RangeQuery query)
    {
        var folder = new StepFolder(query);
        foreach (var sample in ordered)
        {
            folder.Add(sample.TimestampMs, sample.Value);
        }

        return folder.Finish();
    }
}

/// <summary>
/// <see cref="StepBuckets.Aggregate(ReadOnlySpan{Sample}, RangeQuery)"/> one sample at a time, so a raw read folds
/// straight from the chunk decoder: a list of the decoded samples first was the largest allocation of a read
/// (16 bytes a sample, 384 kB for an hour of 50 series) and what made its garbage collections.
/// </summary>
public sealed class StepFolder(RangeQuery query)
{
    private readonly List<Sample> _points = new((int)Math.Min((query.ToMs - query.FromMs) / query.StepMs + 1, 4_096));
    private long _bucket = long.MinValue;
    private long _bucketEnd = long.MinValue;
    private double _sum, _min, _max, _last;
    private long _lastMs;
    private int _count;

    /// <summary>Adds the next sample (timestamps in order); samples outside the range are left out.</summary>
    public void Add(long timestampMs, double value)
    {
        if (timestampMs < query.FromMs || timestampMs > query.ToMs)
        {
            return;
        }

        // Samples come in order, so most fall in the bucket of the one before: the division only at a new bucket.
        if (timestampMs >= _bucketEnd || timestampMs < _bucket)
        {
            Flush();
            _bucket = query.FromMs + (timestampMs - query.FromMs) / query.StepMs * query.StepMs;
            _bucketEnd = _bucket + query.StepMs;
            _count = 0;
            _sum = 0;
            _min = double.PositiveInfinity;
            _max = double.NegativeInfinity;
        }

        _count++;
        _sum += value;
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        _last = value;
        _lastMs = timestampMs;
    }

    public IReadOnlyList<Sample> Finish()
    {
        Flush();
        _count = 0;
        return _points;
    }

    private void Flush()
    {
        if (_count == 0)
        {
            return;
        }

        _points.Add(query.Aggregation switch
        {
            Aggregation.Avg => new Sample(_bucket, _sum / _count),
            Aggregation.Min => new Sample(_bucket, _min),
            Aggregation.Max => new Sample(_bucket, _max),
            Aggregation.Last => new Sample(_bucket, _last),
            Aggregation.Count => new Sample(_bucket, _count),
            Aggregation.LastSample => new Sample(_lastMs, _last),
            _ => throw new ArgumentOutOfRangeException(nameof(query)),
        });
    }
}
