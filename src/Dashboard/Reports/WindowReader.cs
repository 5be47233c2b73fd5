using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>How several matching series are combined at each step.</summary>
public enum Combine
{
    /// <summary>Rates of parts of a whole (status classes, pods' requests): added.</summary>
    Sum,

    /// <summary>The busiest or largest (pods' CPU, memory): the highest.</summary>
    Max,

    /// <summary>Ratios of the same kind (hit ratios of instances): averaged.</summary>
    Mean,

    /// <summary>The lowest.</summary>
    Min,
}

/// <summary>A series set over a window, from one read per aggregation at the window's step.</summary>
/// <param name="Mean">The mean of the per-step combined values (steps without data left out).</param>
/// <param name="Max">The highest stored sample (Sum: per step, the series' highest samples added).</param>
/// <param name="Min">The lowest stored sample (Sum: per step, the series' lowest samples added).</param>
/// <param name="First">The first step with data.</param>
/// <param name="Last">The last step with data.</param>
/// <param name="Samples">Stored samples in the window over all matching series.</param>
public sealed record WindowStat(double? Mean, double? Max, double? Min, (long AtMs, double Value)? First, (long AtMs, double Value)? Last,
    long Samples, IReadOnlyList<double> Steps, IReadOnlyList<double?> Grid)
{
    public static readonly WindowStat Empty = new(null, null, null, null, null, 0, [], []);
}

/// <summary>One series over a window: mean of its step values, its highest sample, its samples.</summary>
public sealed record SeriesStat(SeriesKey Key, double Mean, double Max, long Samples, IReadOnlyList<double> Steps);

/// <summary>Buckets summed over a window for one group of a histogram (all of it, or one endpoint / query class).</summary>
public sealed record HistogramWindow(string Group, IReadOnlyList<Bucket> Buckets, IReadOnlyList<long> StepStarts, IReadOnlyList<IReadOnlyList<Bucket>> StepBuckets, long Samples)
{
    public double Observations => Buckets.Where(b => double.IsPositiveInfinity(b.UpperBound)).Sum(b => b.CumulativeCount);

    /// <summary>The quantile over the whole window; null without observations.</summary>
    public QuantileEstimate? Quantile(double q)
    {
        var estimate = HistogramQuantile.Estimate(q, Buckets);
        return double.IsNaN(estimate.Value) ? null : estimate;
    }

    /// <summary>The quantile of each step that has observations (for the noise test).</summary>
    public IReadOnlyList<double> StepQuantiles(double q) =>
        StepBuckets.Select(b => HistogramQuantile.Estimate(q, b).Value).Where(double.IsFinite).ToList();
}

/// <summary>
/// Reads the store over one report window, always at the window's step so that the rollup tiers answer a long
/// window; every figure says how many stored samples it rests on.
/// </summary>
public sealed class WindowReader(IMetricStore store, ReportWindow window)
{
    public ReportWindow Window => window;

    public async Task<WindowStat> StatAsync(SeriesSelector selector, Combine combine, CancellationToken ct)
    {
        var avg = await ReadAsync(selector, Aggregation.Avg, ct);
        if (avg.Count == 0)
        {
            return WindowStat.Empty;
        }

        var max = await ReadAsync(selector, Aggregation.Max, ct);
        var min = await ReadAsync(selector, Aggregation.Min, ct);
        var count = await ReadAsync(selector, Aggregation.Count, ct);
        var starts = window.StepStarts;
        var grid = Fold(avg, combine, starts);
        var steps = grid.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (steps.Count == 0)
        {
            return WindowStat.Empty;
        }

        // Parts of a whole add up at their extremes too; otherwise the extreme of all samples.
        var highest = Fold(max, combine == Combine.Sum ? Combine.Sum : Combine.Max, starts).Max();
        var lowest = Fold(min, combine == Combine.Sum ? Combine.Sum : Combine.Min, starts).Min();
        var firstIndex = Array.FindIndex(grid, v => v is not null);
        var lastIndex = Array.FindLastIndex(grid, v => v is not null);
        var samples = (long)count.SelectMany(s => s.Points).Sum(p => p.Value);
        return new WindowStat(steps.Average(), highest, lowest, (starts[firstIndex], grid[firstIndex]!.Value), (starts[lastIndex], grid[lastIndex]!.Value),
            samples, steps, grid);
    }

    /// <summary>
    /// How much counters rose over the window: per series, the last stored value of each step against the one
    /// before, a fall counted as a reset (the new value is the increase). A reset and regrowth inside one step
    /// past the previous step's value is seen as growth only: resets are detected at the step's resolution.
    /// </summary>
    public async Task<(double? Increase, long Samples)> CounterIncreaseAsync(SeriesSelector selector, CancellationToken ct)
    {
        var last = await ReadAsync(selector, Aggregation.Last, ct);
        if (last.All(s => s.Points.Count == 0))
        {
            return (null, 0);
        }

        var count = await ReadAsync(selector, Aggregation.Count, ct);
        var total = 0.0;
        foreach (var series in last)
        {
            for (var i = 1; i < series.Points.Count; i++)
            {
                total += CounterMath.Increase(series.Points[i - 1].Value, series.Points[i].Value);
            }
        }

        return (total, (long)count.SelectMany(s => s.Points).Sum(p => p.Value));
    }

    /// <summary>Each matching series on its own: its mean over steps, its highest sample and its sample count.</summary>
    public async Task<IReadOnlyList<SeriesStat>> PerSeriesAsync(SeriesSelector selector, CancellationToken ct)
    {
        var avg = await ReadAsync(selector, Aggregation.Avg, ct);
        if (avg.Count == 0)
        {
            return [];
        }

        var max = (await ReadAsync(selector, Aggregation.Max, ct)).ToDictionary(s => s.Key, s => s.Points.Select(p => p.Value).DefaultIfEmpty(double.NaN).Max());
        var count = (await ReadAsync(selector, Aggregation.Count, ct)).ToDictionary(s => s.Key, s => (long)s.Points.Sum(p => p.Value));
        return avg.Where(s => s.Points.Count > 0)
            .Select(s => new SeriesStat(s.Key, s.Points.Average(p => p.Value), max.GetValueOrDefault(s.Key, double.NaN), count.GetValueOrDefault(s.Key),
                s.Points.Select(p => p.Value).ToList()))
            .ToList();
    }

    /// <summary>
    /// A histogram of per-poll bucket increases summed over the window, per group (<paramref name="group"/> of a
    /// series' key; "" for one group): each step's sum is its mean × its count, so no sample is missed.
    /// </summary>
    public async Task<IReadOnlyList<HistogramWindow>> HistogramsAsync(SeriesSelector selector, Func<SeriesKey, string> group, CancellationToken ct)
    {
        var avg = await ReadAsync(selector, Aggregation.Avg, ct);
        if (avg.Count == 0)
        {
            return [];
        }

        var count = await ReadAsync(selector, Aggregation.Count, ct);
        var counts = count.ToDictionary(s => s.Key, s => s.Points.ToDictionary(p => p.TimestampMs, p => p.Value));
        var result = new List<HistogramWindow>();
        foreach (var byGroup in avg.GroupBy(s => group(s.Key)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var totals = new Dictionary<double, double>();
            var perStep = new SortedDictionary<long, Dictionary<double, double>>();
            long samples = 0;
            foreach (var series in byGroup)
            {
                if (!HistogramSeries.TryParseLe(series.Key["le"], out var bound))
                {
                    continue;
                }

                foreach (var point in series.Points)
                {
                    var n = counts.TryGetValue(series.Key, out var c) ? c.GetValueOrDefault(point.TimestampMs) : 0;
                    var sum = point.Value * n;
                    samples += (long)n;
                    totals[bound] = totals.GetValueOrDefault(bound) + sum;
                    var step = perStep.TryGetValue(point.TimestampMs, out var s) ? s : perStep[point.TimestampMs] = [];
                    step[bound] = step.GetValueOrDefault(bound) + sum;
                }
            }

            result.Add(new HistogramWindow(byGroup.Key, ToBuckets(totals), perStep.Keys.ToList(), perStep.Values.Select(ToBuckets).ToList(), samples));
        }

        return result;
    }

    private static IReadOnlyList<Bucket> ToBuckets(Dictionary<double, double> sums) =>
        sums.OrderBy(b => b.Key).Select(b => new Bucket(b.Key, b.Value)).ToList();

    private Task<IReadOnlyList<RangeSeries>> ReadAsync(SeriesSelector selector, Aggregation aggregation, CancellationToken ct) =>
        store.QueryRangeAsync(new RangeQuery(selector, window.FromMs, window.ToMs, window.StepMs, aggregation), ct);

    private static double?[] Fold(IReadOnlyList<RangeSeries> series, Combine combine, IReadOnlyList<long> starts)
    {
        var index = new Dictionary<long, int>(starts.Count);
        for (var i = 0; i < starts.Count; i++)
        {
            index[starts[i]] = i;
        }

        var sum = new double[starts.Count];
        var n = new int[starts.Count];
        var max = Enumerable.Repeat(double.NegativeInfinity, starts.Count).ToArray();
        var min = Enumerable.Repeat(double.PositiveInfinity, starts.Count).ToArray();
        foreach (var s in series)
        {
            foreach (var p in s.Points)
            {
                if (!index.TryGetValue(p.TimestampMs, out var i))
                {
                    continue;
                }

                sum[i] += p.Value;
                n[i]++;
                max[i] = Math.Max(max[i], p.Value);
                min[i] = Math.Min(min[i], p.Value);
            }
        }

        return starts.Select((_, i) => n[i] == 0 ? (double?)null : combine switch
        {
            Combine.Sum => sum[i],
            Combine.Max => max[i],
            Combine.Min => min[i],
            _ => sum[i] / n[i],
        }).ToArray();
    }
}
