using X0tta6bl4.Ops.Metrics.Catalog;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>§3 Redis: memory against maxmemory and its policy, hit ratio, ops/s, evictions, clients, AOF.</summary>
public static class RedisSection
{
    public static async Task<ReportSection> BuildAsync(ReportContext c, CancellationToken ct)
    {
        var figures = new List<Figure>();
        const string redis = "Redis source (INFO)";

        async Task<WindowStat> Add(string id, string label, string unit, string series, Combine combine, Better better, string estimator, Func<WindowStat, double?> pick)
        {
            var stat = await c.Reader.StatAsync(ReportContext.Series(series), combine, ct);
            figures.Add(new Figure(id, label, unit, pick(stat), c.MethodOf($"{series} ({redis})", estimator, stat.Samples)) { Better = better, Steps = stat.Steps });
            return stat;
        }

        await Add("redis.memory.mean", "Memory used (mean)", "B", RedisSeries.MemoryUsedBytes, Combine.Sum, Better.Neither, "Mean over steps of used_memory, summed over instances", s => s.Mean);
        await Add("redis.memory.max", "Memory used (highest)", "B", RedisSeries.MemoryUsedBytes, Combine.Sum, Better.Neither, "Highest stored used_memory", s => s.Max);
        var limited = await c.Reader.StatAsync(ReportContext.Series(RedisSeries.MemoryLimited), Combine.Max, ct);
        if (limited.Last?.Value == 1)
        {
            await Add("redis.maxmemory", "maxmemory", "B", RedisSeries.MemoryMaxBytes, Combine.Sum, Better.Neither, "Last value of maxmemory", s => s.Last?.Value);
            await Add("redis.memory_usage.max", "Memory use of maxmemory (highest)", "ratio", DerivedSeries.RedisMemoryUsageRatio, Combine.Max, Better.Lower, "Highest per-poll used_memory ÷ maxmemory", s => s.Max);
        }
        else
        {
            figures.Add(new Figure("redis.maxmemory", "maxmemory", "B", null, c.MethodOf($"{RedisSeries.MemoryLimited} ({redis})", "maxmemory at the last poll", limited.Samples))
            {
                Text = limited.Samples == 0 ? null : "no limit (0)",
            });
        }

        var info = await c.Reader.PerSeriesAsync(ReportContext.Series(RedisSeries.Info), ct);
        var policy = info.OrderByDescending(i => i.Samples).FirstOrDefault()?.Key["policy"];
        figures.Add(new Figure("redis.policy", "maxmemory-policy", "text", null, c.MethodOf($"{RedisSeries.Info} ({redis})", "The policy label of the instance's INFO", info.Sum(i => i.Samples)))
        {
            Text = string.IsNullOrEmpty(policy) ? null : policy,
        });

        await Add("redis.hit_ratio.mean", "Hit ratio (mean)", "ratio", RedisSeries.HitRatio, Combine.Mean, Better.Higher, "Mean over steps of keyspace_hits ÷ (hits + misses) per poll window", s => s.Mean);
        await Add("redis.hit_ratio.min", "Hit ratio (lowest)", "ratio", RedisSeries.HitRatio, Combine.Mean, Better.Higher, "Lowest stored value", s => s.Min);
        await Add("redis.ops.mean", "Operations (mean)", "ops/s", RedisSeries.OpsPerSecond, Combine.Sum, Better.Neither, "Mean over steps of commands processed per second", s => s.Mean);
        await Add("redis.ops.peak", "Operations (peak)", "ops/s", RedisSeries.OpsPerSecond, Combine.Sum, Better.Neither, "Highest stored per-poll rate", s => s.Max);
        await Add("redis.evictions.mean", "Evictions", "/s", RedisSeries.EvictedKeysPerSecond, Combine.Sum, Better.Lower, "Mean over steps of evicted_keys per second", s => s.Mean);
        var (evicted, evictedSamples) = await c.Reader.CounterIncreaseAsync(ReportContext.Series(RedisSeries.EvictedKeysTotal), ct);
        figures.Add(new Figure("redis.evictions.total", "Keys evicted in the window", "n", evicted,
            c.MethodOf($"{RedisSeries.EvictedKeysTotal} ({redis})", "Σ of evicted_keys' rise from step to step (last value per step; a fall is a restart, counted from 0)", evictedSamples)) { Better = Better.Lower });
        await Add("redis.clients.mean", "Connected clients (mean)", "n", RedisSeries.ConnectedClients, Combine.Sum, Better.Neither, "Mean over steps", s => s.Mean);
        await Add("redis.clients.max", "Connected clients (highest)", "n", RedisSeries.ConnectedClients, Combine.Sum, Better.Neither, "Highest stored value", s => s.Max);
        var aof = await c.Reader.StatAsync(ReportContext.Series(RedisSeries.AofEnabled), Combine.Max, ct);
        var aofWrite = await c.Reader.StatAsync(ReportContext.Series(RedisSeries.AofLastWriteOk), Combine.Max, ct);
        figures.Add(new Figure("redis.aof", "AOF", "text", null, c.MethodOf($"{RedisSeries.AofEnabled}, {RedisSeries.AofLastWriteOk} ({redis})", "aof_enabled and aof_last_write_status at the last step", aof.Samples))
        {
            Text = aof.Last is not { } enabled ? null
                : enabled.Value == 1 ? (aofWrite.Min == 0 ? "on; a write failed in the window" : "on, every write ok") : "off",
        });

        return new ReportSection("redis", "Redis", figures, []);
    }
}
