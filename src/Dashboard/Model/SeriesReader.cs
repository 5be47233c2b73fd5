using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>The reads every page makes of the store, in one place: newest values and chart lines with gaps kept.</summary>
public sealed class SeriesReader(IMetricStore store, TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();

    public Task<IReadOnlyList<LatestSample>> LatestAsync(SeriesSelector selector, CancellationToken ct = default) =>
        store.LatestAsync(selector, ct);

    public async Task<LatestSample?> LatestOneAsync(SeriesSelector selector, CancellationToken ct = default) =>
        (await store.LatestAsync(selector, ct)).OrderByDescending(l => l.Sample.TimestampMs).FirstOrDefault();

    /// <summary>One line per matching series, named by <paramref name="name"/>, on the range's step grid.</summary>
    public async Task<IReadOnlyList<ChartLine>> LinesAsync(
        SeriesSelector selector, TimeRange range, Func<SeriesKey, string> name, Func<double, double>? scale = null,
        Aggregation aggregation = Aggregation.Avg, CancellationToken ct = default)
    {
        var series = await store.QueryRangeAsync(new RangeQuery(selector, range.FromMs, range.ToMs, range.StepMs, aggregation), ct);
        return series.Select(s => Grid(name(s.Key), s.Points, range, scale ?? (v => v))).OrderBy(l => l.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Each matching series' average over [from, to) (one bucket), or nothing for a series without data in it.</summary>
    public async Task<IReadOnlyList<(SeriesKey Key, double Average)>> AveragesAsync(SeriesSelector selector, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var (start, end) = (from.ToUnixTimeMilliseconds(), Math.Max(to.ToUnixTimeMilliseconds(), from.ToUnixTimeMilliseconds() + 1));
        var series = await store.QueryRangeAsync(new RangeQuery(selector, start, end - 1, end - start, Aggregation.Avg), ct);
        return series.Where(s => s.Points.Count > 0).Select(s => (s.Key, s.Points[0].Value)).ToList();
    }

    /// <summary>The same lines a week earlier, moved forward a week so they overlay the current ones.</summary>
    public async Task<IReadOnlyList<ChartLine>> WeekAgoLinesAsync(
        SeriesSelector selector, TimeRange range, Func<SeriesKey, string> name, Func<double, double>? scale = null, CancellationToken ct = default)
    {
        var earlier = await LinesAsync(selector, range.WeekEarlier(), name, scale, ct: ct);
        return earlier.Where(l => l.Y.Any(v => v is not null))
            .Select(l => new ChartLine(l.Name + " (week ago)", l.X.Select(x => x.AddDays(7)).ToList(), l.Y) { Dashed = true })
            .ToList();
    }

    /// <summary>Sums lines point by point (null + null = null; a gap in one line leaves the others' sum).</summary>
    /// <summary>
    /// Per-class request rates summed over the newest poll only (an older class series is from another
    /// moment): its time, the total, and the part of it in class 5xx; all null without any rate.
    /// </summary>
    public static (long? Newest, double? Total, double? FiveXx) NewestPoll(IReadOnlyList<LatestSample> rates)
    {
        if (rates.Count == 0)
        {
            return (null, null, null);
        }

        var newest = rates.Max(r => r.Sample.TimestampMs);
        var current = rates.Where(r => r.Sample.TimestampMs == newest).ToList();
        return (newest, current.Sum(r => r.Sample.Value), current.Where(r => r.Key["class"] == "5xx").Sum(r => r.Sample.Value));
    }

    public static ChartLine Sum(string name, IReadOnlyList<ChartLine> lines, IReadOnlyList<DateTime> grid)
    {
        var y = grid.Select((_, i) =>
        {
            var values = lines.Select(l => l.Y[i]).Where(v => v is not null).ToList();
            return values.Count == 0 ? null : (double?)values.Sum();
        }).ToList();
        return new ChartLine(name, grid, y);
    }

    /// <summary>The range's step grid, for lines built by hand.</summary>
    public static IReadOnlyList<DateTime> GridOf(TimeRange range)
    {
        var x = new List<DateTime>();
        for (var t = range.FromMs; t <= range.ToMs; t += range.StepMs)
        {
            x.Add(DateTimeOffset.FromUnixTimeMilliseconds(t).UtcDateTime);
        }

        return x;
    }

    /// <summary>Lays the points on the full step grid, with null where a step has no data.</summary>
    public static ChartLine Grid(string name, IReadOnlyList<Sample> points, TimeRange range, Func<double, double> scale)
    {
        var byBucket = points.ToDictionary(p => p.TimestampMs, p => p.Value);
        var x = new List<DateTime>();
        var y = new List<double?>();
        for (var t = range.FromMs; t <= range.ToMs; t += range.StepMs)
        {
            x.Add(DateTimeOffset.FromUnixTimeMilliseconds(t).UtcDateTime);
            y.Add(byBucket.TryGetValue(t, out var v) ? scale(v) : null);
        }

        return new ChartLine(name, x, y);
    }
}
