namespace X0tta6bl4.Ops.Metrics.Analysis;

/// <summary>A cumulative histogram bucket: observations less than or equal to <see cref="UpperBound"/>.</summary>
public readonly record struct Bucket(double UpperBound, double CumulativeCount);

/// <summary>The result of a quantile estimate; <see cref="ClampedAtTopBucket"/> says the true value lies above the highest finite bound.</summary>
public readonly record struct QuantileEstimate(double Value, bool ClampedAtTopBucket)
{
    public static readonly QuantileEstimate NoData = new(double.NaN, false);
}

/// <summary>
/// Prometheus's <c>histogram_quantile</c>, reproduced exactly: linear interpolation inside the bucket
/// that holds the rank (the first bucket starting at 0), a rank in the +Inf bucket answered with the
/// highest finite bound, NaN when there are no observations or no +Inf bucket.
/// </summary>
public static class HistogramQuantile
{
    public static QuantileEstimate Estimate(double q, IEnumerable<Bucket> buckets)
    {
        if (double.IsNaN(q))
        {
            return QuantileEstimate.NoData;
        }

        if (q < 0)
        {
            return new QuantileEstimate(double.NegativeInfinity, false);
        }

        if (q > 1)
        {
            return new QuantileEstimate(double.PositiveInfinity, false);
        }

        var sorted = Coalesce(buckets);
        if (sorted.Count < 2 || !double.IsPositiveInfinity(sorted[^1].UpperBound))
        {
            return QuantileEstimate.NoData;
        }

        // Like Prometheus: counts that fall (scrape races, float error) are lifted to stay monotonic.
        for (var i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].CumulativeCount < sorted[i - 1].CumulativeCount)
            {
                sorted[i] = sorted[i] with { CumulativeCount = sorted[i - 1].CumulativeCount };
            }
        }

        var observations = sorted[^1].CumulativeCount;
        if (observations <= 0 || double.IsNaN(observations))
        {
            return QuantileEstimate.NoData;
        }

        var rank = q * observations;
        var b = 0;
        while (b < sorted.Count - 1 && sorted[b].CumulativeCount < rank)
        {
            b++;
        }

        if (b == sorted.Count - 1)
        {
            return new QuantileEstimate(sorted[^2].UpperBound, true);
        }

        if (b == 0 && sorted[0].UpperBound <= 0)
        {
            return new QuantileEstimate(sorted[0].UpperBound, false);
        }

        var bucketStart = 0.0;
        var bucketEnd = sorted[b].UpperBound;
        var count = sorted[b].CumulativeCount;
        if (b > 0)
        {
            bucketStart = sorted[b - 1].UpperBound;
            count -= sorted[b - 1].CumulativeCount;
            rank -= sorted[b - 1].CumulativeCount;
        }

        return new QuantileEstimate(bucketStart + (bucketEnd - bucketStart) * (rank / count), false);
    }

    /// <summary>Sorts by bound and merges buckets with the same bound (summing, as Prometheus does for duplicate le).</summary>
    private static List<Bucket> Coalesce(IEnumerable<Bucket> buckets)
    {
        var sorted = buckets.Where(b => !double.IsNaN(b.UpperBound)).OrderBy(b => b.UpperBound).ToList();
        var merged = new List<Bucket>(sorted.Count);
        foreach (var bucket in sorted)
        {
            if (merged.Count > 0 && merged[^1].UpperBound == bucket.UpperBound)
            {
                merged[^1] = merged[^1] with { CumulativeCount = merged[^1].CumulativeCount + bucket.CumulativeCount };
            }
            else
            {
                merged.Add(bucket);
            }
        }

        return merged;
    }
}
