using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>The two objectives the SLA page budgets for, which burn-rate alerts watch.</summary>
public static class SloObjective
{
    /// <summary>Share of requests that must not fail with a 5xx (<see cref="SlaOptions.AvailabilityPercent"/>).</summary>
    public const string Availability = "availability";

    /// <summary>Share of time whose p95 must meet the target (<see cref="SlaOptions.LatencyObjectivePercent"/>).</summary>
    public const string Latency = "latency";
}

/// <summary>One objective of one job: every burn-rate pair's windows, and the 30-day budget left.</summary>
/// <param name="BudgetLeft">1 − the burn over the budget period (30 days): negative when overspent; null without data.</param>
public sealed record SloBurnReading(string Job, string Source, string Objective, IReadOnlyList<BurnRateCheck> Checks, double? BudgetLeft)
{
    /// <summary>The labels of its alerts: <c>job</c>, <c>objective</c>, <c>source</c>.</summary>
    public string Labels => SeriesKey.Of("slo", ("job", Job), ("objective", Objective), ("source", Source)).LabelText;
}

/// <summary>
/// Burn rates of the SLA's objectives over the multi-window pairs, from the store: availability = 5xx requests ÷ all
/// requests (rate × step summed over the window), latency = steps whose p95 was at or over the target ÷ steps with a
/// p95; each divided by the budget (1 − objective). The SLA page and the burn-rate alert rules read them here, so the
/// page and the pager agree.
/// </summary>
public sealed class SloBurnRates(IMetricStore store)
{
    /// <summary>Buckets per window: the SLA page's resolution (a 5-minute window in 15-s scrapes has 20 samples).</summary>
    private const int StepsPerWindow = 240;

    /// <summary>Each job's objectives, read from the source the job's figures come from (Prometheus when fresh).</summary>
    public async Task<IReadOnlyList<SloBurnReading>> ReadAsync(SlaOptions sla, DateTimeOffset now, CancellationToken ct)
    {
        var latest = await store.LatestAsync(new SeriesSelector(CanonicalSeries.ApiRequestsPerSecond), ct);
        var readings = new List<SloBurnReading>();
        foreach (var job in latest.Where(l => l.Key["job"] is not null).GroupBy(l => l.Key["job"]!).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (JobSource.Prefer(job, now) is not { } source)
            {
                continue;
            }

            readings.Add(await ReadAsync(job.Key, source, SloObjective.Availability, sla, now, ct));
            readings.Add(await ReadAsync(job.Key, source, SloObjective.Latency, sla, now, ct));
        }

        return readings;
    }

    public async Task<SloBurnReading> ReadAsync(string job, string source, string objective, SlaOptions sla, DateTimeOffset now, CancellationToken ct)
    {
        // A window length serves several pairs (6 h is long in one, short in another): each is read once.
        var burns = new Dictionary<TimeSpan, double?>();
        async Task<double?> Burn(TimeSpan length)
        {
            if (!burns.TryGetValue(length, out var burn))
            {
                burns[length] = burn = await BurnAsync(job, source, objective, sla, now, length, ct);
            }

            return burn;
        }

        var checks = new List<BurnRateCheck>();
        foreach (var (longWindow, shortWindow, factor) in Sla.BurnRatePairs)
        {
            checks.Add(new BurnRateCheck(longWindow, shortWindow, factor, await Burn(longWindow), await Burn(shortWindow)));
        }

        return new SloBurnReading(job, source, objective, checks, 1 - await Burn(Sla.BudgetPeriod));
    }

    /// <summary>The burn rate of one objective over the window ending now; null when the window holds no data.</summary>
    public async Task<double?> BurnAsync(string job, string source, string objective, SlaOptions sla, DateTimeOffset now, TimeSpan length, CancellationToken ct)
    {
        var (from, to, step) = Grid(now, length);
        if (objective == SloObjective.Availability)
        {
            var classes = await store.QueryRangeAsync(new RangeQuery(Select(CanonicalSeries.ApiRequestsPerSecond, job, source), from, to, step), ct);
            var all = classes.Sum(c => c.Points.Sum(p => p.Value));
            var bad = classes.Where(c => c.Key["class"] == "5xx").Sum(c => c.Points.Sum(p => p.Value));
            return Sla.BurnRate(sla.AvailabilityPercent / 100, all, bad);
        }

        var p95 = await store.QueryRangeAsync(new RangeQuery(Select(CanonicalSeries.ApiLatencySeconds, job, source, ("quantile", "0.95")), from, to, step), ct);
        var steps = p95.SelectMany(s => s.Points).ToList();
        return Sla.BurnRate(sla.LatencyObjectivePercent / 100, steps.Count, steps.Count(p => p.Value * 1000 >= sla.P95Ms));
    }

    /// <summary>
    /// The window's buckets. A window of an hour or more ends at the last whole minute (of a day or more: hour) and
    /// steps in whole minutes (hours), so the store answers from its rollup tier: the evaluator reads every window each
    /// cycle, and 30 days of raw samples per cycle would cost more than the rest of the evaluation together.
    /// </summary>
    public static (long From, long To, long Step) Grid(DateTimeOffset now, TimeSpan length)
    {
        var ms = (long)length.TotalMilliseconds;
        var unit = length >= TimeSpan.FromDays(1) ? RollupTier.Hour.Ms : length >= TimeSpan.FromHours(1) ? RollupTier.Minute.Ms : 1_000;
        var end = now.ToUnixTimeMilliseconds() / unit * unit;
        var step = Math.Max(unit, ms / StepsPerWindow / unit * unit);
        // Whole steps only: the window is the last length (rounded down to a step) before the aligned end.
        var from = end - ms / step * step;
        return (from, end - 1, step);
    }

    private static SeriesSelector Select(string name, string job, string source, params (string, string)[] labels) =>
        SeriesSelector.Where(name, [.. labels, ("job", job), ("source", source)]);
}
