namespace X0tta6bl4.Ops.Dashboard.Reports.Findings;

/// <summary>A recommendation per finding, each citing that finding's evidence; no finding, no recommendation.</summary>
public static class Recommendations
{
    private static readonly IReadOnlyDictionary<string, string> ByRule = new Dictionary<string, string>
    {
        ["pool-use"] = "Raise Database:MaxPoolSize only if PostgreSQL has idle cores (2 × cores + 1 per server is the rule of thumb), otherwise add a pod or shorten the queries holding connections; watch wait time on the Database page.",
        ["slow-statement"] = "Run EXPLAIN (ANALYZE, BUFFERS) on the statement named in the evidence and add the index or rewrite it; its mean time is above the threshold.",
        ["db-cache-hit"] = "Give PostgreSQL more shared_buffers (or the host more memory), or find the statements reading from disk (pg_stat_statements shared_blks_read).",
        ["redis-hit"] = "Check the cache keys' TTLs and the access pattern; a low hit ratio means most reads go to PostgreSQL anyway.",
        ["cpu-headroom"] = "Add a pod or raise Resources:CpuLimitMillicores before the next growth step; the busiest pod came within the headroom of its limit.",
        ["memory-headroom"] = "Raise the memory limit or find what grows (a heap dump of the largest pod); the largest pod came within the headroom of its limit.",
        ["evictions"] = "Raise Redis maxmemory or choose a policy that fits the keys (volatile-* evicts only keys with a TTL); evictions turn cache hits into database reads.",
        ["dead-rows"] = "Lower autovacuum_vacuum_scale_factor for the tables that grow dead rows, or check for long transactions holding vacuum back.",
        ["lock-waits"] = "Find the blocking sessions (pg_blocking_pids) at the times sessions waited; short transactions and consistent lock order avoid the waits.",
        ["scrape-failures"] = "Look at the failing targets on the Targets page; figures from a target with failed scrapes have gaps.",
        [BottleneckRules.GeneratorLimitedRule] = "Rerun the load test from a machine with spare CPU or at a lower rate: the run's latency includes the generator's own delay, so its capacity is a floor.",
    };

    public static IReadOnlyList<Recommendation> For(IReadOnlyList<Finding> findings) =>
        findings.Where(f => ByRule.ContainsKey(f.RuleId))
            .Select(f => new Recommendation(f.RuleId, ByRule[f.RuleId], $"{f.Title}: {f.Evidence}; threshold {f.Threshold}."))
            .ToList();
}
