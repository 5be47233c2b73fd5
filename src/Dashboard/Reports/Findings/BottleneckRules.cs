using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Dashboard.Reports.Findings;

/// <summary>One documented rule: the figure it reads, when it fires, and how bad that is.</summary>
public sealed record BottleneckRule(string Id, string Title, string FigureId, string Unit, Func<ReportOptions, double> Threshold, bool FiresAbove, string Severity);

/// <summary>
/// The bottleneck rules, each over one figure of the report's window; a rule whose figure is not measured stays
/// silent (and says so in the methodology), it never fires on missing data.
/// </summary>
public static class BottleneckRules
{
    public static readonly IReadOnlyList<BottleneckRule> Rules =
    [
        new("pool-use", "Database pool near its limit", "db.pool.usage.max", "ratio", o => o.PoolUsePercent / 100, true, "warning"),
        new("slow-statement", "Slow statement", "db.statements.slowest", "s", o => o.SlowStatementMs / 1000, true, "warning"),
        new("db-cache-hit", "Database cache hit ratio below target", "db.cache_hit.mean", "ratio", o => o.DbCacheHitPercent / 100, false, "warning"),
        new("redis-hit", "Redis hit ratio below target", "redis.hit_ratio.mean", "ratio", o => o.RedisHitPercent / 100, false, "warning"),
        new("cpu-headroom", "CPU headroom low", "res.cpu.headroom", "ratio", o => o.HeadroomPercent / 100, false, "warning"),
        new("memory-headroom", "Memory headroom low", "res.memory.headroom", "ratio", o => o.HeadroomPercent / 100, false, "warning"),
        new("evictions", "Redis evicted keys", "redis.evictions.total", "n", _ => 0, true, "warning"),
        new("dead-rows", "Dead rows growing", "db.dead_tuples.growth", "n/day", o => o.DeadRowsPerDay, true, "info"),
        new("lock-waits", "Sessions waited on locks", "db.waiting.max", "n", _ => 0, true, "info"),
        new("scrape-failures", "Scrapes failing", "mon.scrape_success", "ratio", o => o.ScrapeSuccessPercent / 100, false, "warning"),
    ];

    public const string GeneratorLimitedRule = "generator-limited";

    public static IReadOnlyList<Finding> Evaluate(ReportModel partial, ReportOptions options, IReadOnlyList<(long Id, LoadRun Run)> loadRuns)
    {
        var findings = new List<Finding>();
        foreach (var rule in Rules)
        {
            if (partial.FigureById(rule.FigureId) is not { Value: { } value } figure)
            {
                continue;
            }

            var threshold = rule.Threshold(options);
            if (rule.FiresAbove ? value > threshold : value < threshold)
            {
                findings.Add(new Finding(rule.Id, rule.Severity, rule.Title, figure.Id,
                    $"{figure.Label} = {ReportFormat.Value(figure.Unit, value)} ({figure.Method.Estimator}; {figure.Method.Source})",
                    $"{(rule.FiresAbove ? ">" : "<")} {ReportFormat.Value(rule.Unit, threshold)}"));
            }
        }

        foreach (var (id, run) in loadRuns.Where(r => r.Run.Summary.GeneratorLimited))
        {
            findings.Add(new Finding(GeneratorLimitedRule, "warning", "Load run limited by its generator", $"load.{id}",
                $"Load run {id} ({run.Plan.Name}): {run.Summary.GeneratorLimitedReason ?? "the generator could not keep up"}; generator lag p99 {run.Summary.GeneratorLagP99Ms:0.#} ms, {run.Summary.Dropped} iterations dropped",
                "generator limited"));
        }

        return findings;
    }

    /// <summary>The rules in words, for the methodology.</summary>
    public static IEnumerable<string> Describe(ReportOptions options) =>
        Rules.Select(r => $"{r.Id}: {r.FigureId} {(r.FiresAbove ? ">" : "<")} {ReportFormat.Value(r.Unit, r.Threshold(options))} ({r.Severity})")
            .Append($"{GeneratorLimitedRule}: a load run in the window whose generator could not keep up (warning)");
}
