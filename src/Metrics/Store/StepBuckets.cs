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
        var points = new List<Sample>((int)Math.Min((query.ToMs - query.FromMs) / query.StepMs + 1, 4_096));
        long bucket = long.MinValue;
        double sum = 0, min = 0, max = 0, last = 0;
        var count = 0;

        void Flush()
        {
            if (count == 0)
            {
                return;
            }

            var value = query.Aggregation switch
            {
                Aggregation.Avg => sum / count,
                Aggregation.Min => min,
                Aggregation.Max => max,
                Aggregation.Last => last,
                Aggregation.Count => count,
                _ => throw new ArgumentOutOfRangeException(nameof(query)),
            };
            points.Add(new Sample(bucket, value));
        }

        foreach (var sample in ordered)
        {
            if (sample.TimestampMs < query.FromMs || sample.TimestampMs > query.ToMs)
            {
                continue;
            }

            var start = query.FromMs + (sample.TimestampMs - query.FromMs) / query.StepMs * query.StepMs;
            if (start != bucket)
            {
                Flush();
                bucket = start;
                count = 0;
                sum = 0;
                min = double.PositiveInfinity;
                max = double.NegativeInfinity;
            }

            count++;
            sum += sample.Value;
            min = Math.Min(min, sample.Value);
            max = Math.Max(max, sample.Value);
            last = sample.Value;
        }

        Flush();
        return points;
    }
}
