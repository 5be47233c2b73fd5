using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

public sealed record CommandRow(string Command, double? CallsPerSecond, double? MeanSeconds, double? P50Seconds, double? P99Seconds, double? P999Seconds);

public sealed record CacheModel(
    IReadOnlyList<string> Instances,
    string? Instance,
    IReadOnlyList<MetricTile> Tiles,
    IReadOnlyList<ChartLine> Memory,
    IReadOnlyList<ChartLine> HitRatio,
    IReadOnlyList<ChartLine> Operations,
    IReadOnlyList<ChartLine> Evictions,
    IReadOnlyList<CommandRow> Commands);

/// <summary>The Cache page: Redis memory against its limit (or "no limit"), hit ratio, traffic, evictions, persistence and per-command latency.</summary>
public sealed class CacheQuery(SeriesReader reader)
{
    public async Task<CacheModel> LoadAsync(string? instance, TimeRange range, bool weekAgo, CancellationToken ct = default)
    {
        var instances = (await reader.LatestAsync(new SeriesSelector(RedisSeries.Info), ct)).Select(l => l.Key["instance"]!).Distinct().Order(StringComparer.Ordinal).ToList();
        instance = instance is not null && instances.Contains(instance) ? instance : instances.FirstOrDefault();
        if (instance is null)
        {
            return new CacheModel(instances, null, [], [], [], [], [], []);
        }

        var now = reader.Now;
        SeriesSelector Select(string name, params (string, string)[] labels) => SeriesSelector.Where(name, [.. labels, ("instance", instance)]);
        async Task<LatestSample?> Latest(string name) => await reader.LatestOneAsync(Select(name), ct);

        var info = await Latest(RedisSeries.Info);
        var used = await Latest(RedisSeries.MemoryUsedBytes);
        var limited = await Latest(RedisSeries.MemoryLimited);
        var max = limited?.Sample.Value == 1 ? await Latest(RedisSeries.MemoryMaxBytes) : null;
        var hit = await Latest(RedisSeries.HitRatio);
        var ops = await Latest(RedisSeries.OpsPerSecond);
        var evicted = await Latest(RedisSeries.EvictedKeysPerSecond);
        var expired = await Latest(RedisSeries.ExpiredKeysPerSecond);
        var clients = await Latest(RedisSeries.ConnectedClients);
        var blocked = await Latest(RedisSeries.BlockedClients);
        var aof = await Latest(RedisSeries.AofEnabled);
        var aofSize = await Latest(RedisSeries.AofSizeBytes);
        var aofRewrite = await Latest(RedisSeries.AofLastRewriteOk);
        var rdbOk = await Latest(RedisSeries.RdbLastSaveOk);
        var rdbAge = await Latest(RedisSeries.RdbLastSaveAgeSeconds);
        var fragmentation = await Latest(RedisSeries.FragmentationRatio);

        var tiles = new List<MetricTile>
        {
            limited?.Sample.Value == 0
                ? Tiles.Make("memory", "Memory used (no limit)", used?.Sample.Value, used?.Sample.TimestampMs, now, Display.Bytes, null, "maxmemory 0 = no limit",
                    "used_memory; maxmemory is 0, which Redis reads as no limit.")
                : Tiles.Make("memory", "Memory used", used?.Sample.Value, used?.Sample.TimestampMs, now,
                    v => max is null ? Display.Bytes(v) : $"{Display.Bytes(v)} of {Display.Bytes(max.Sample.Value)} ({v / max.Sample.Value:P0})",
                    v => max is null || v < max.Sample.Value * 0.9, "< 90 % of maxmemory", "used_memory against maxmemory."),
            Tiles.Text("policy", "Eviction policy", info?.Key["policy"] is { Length: > 0 } p ? p : "unknown", info?.Sample.TimestampMs, now, "maxmemory_policy from INFO."),
            Tiles.Make("hit", "Hit ratio", hit?.Sample.Value, hit?.Sample.TimestampMs, now, Display.Percent, v => v >= SeedTargets.HitRatio, "≥ 90 %",
                "Δkeyspace_hits ÷ Δ(hits + misses) over the collector window; no value without lookups."),
            Tiles.Make("ops", "Operations", ops?.Sample.Value, ops?.Sample.TimestampMs, now, v => $"{v:0.0}/s", null, "—", "Δtotal_commands_processed ÷ Δt."),
            Tiles.Make("evicted", "Evicted keys", evicted?.Sample.Value, evicted?.Sample.TimestampMs, now, v => $"{v:0.00}/s", v => v == 0, "0/s", "Δevicted_keys ÷ Δt."),
            Tiles.Make("expired", "Expired keys", expired?.Sample.Value, expired?.Sample.TimestampMs, now, v => $"{v:0.00}/s", null, "—", "Δexpired_keys ÷ Δt."),
            Tiles.Make("clients", "Clients", clients?.Sample.Value, clients?.Sample.TimestampMs, now,
                v => $"{v:0} ({blocked?.Sample.Value ?? 0:0} blocked)", _ => (blocked?.Sample.Value ?? 0) == 0, "0 blocked", "connected_clients and blocked_clients."),
            aof?.Sample.Value == 1
                ? Tiles.Make("aof", "AOF", aofSize?.Sample.Value, aofSize?.Sample.TimestampMs ?? aof.Sample.TimestampMs, now,
                    v => $"on, {Display.Bytes(v)}" + (aofRewrite?.Sample.Value == 0 ? ", last rewrite failed" : ""), _ => aofRewrite?.Sample.Value != 0, "last rewrite ok",
                    "aof_enabled, aof_current_size, aof_last_bgrewrite_status.")
                : Tiles.Text("aof", "AOF", aof is null ? "unknown" : "off", aof?.Sample.TimestampMs, now, "aof_enabled."),
            Tiles.Make("rdb", "RDB last save", rdbAge?.Sample.Value, rdbAge?.Sample.TimestampMs, now,
                v => $"{Display.Duration(v)} ago" + (rdbOk?.Sample.Value == 0 ? ", failed" : ""), _ => rdbOk?.Sample.Value != 0, "last save ok",
                "Now − rdb_last_save_time, and rdb_last_bgsave_status."),
            Tiles.Make("fragmentation", "Fragmentation", fragmentation?.Sample.Value, fragmentation?.Sample.TimestampMs, now, v => $"{v:0.00}", v => v < 1.5, "< 1.5",
                "mem_fragmentation_ratio (RSS ÷ used_memory); high on a nearly empty Redis."),
        };

        var grid = SeriesReader.GridOf(range);
        var memory = (await reader.LinesAsync(Select(RedisSeries.MemoryUsedBytes), range, _ => "used", v => v / (1 << 20), ct: ct)).ToList();
        if (max is not null)
        {
            memory.Add(new ChartLine("maxmemory", grid, grid.Select(_ => (double?)(max.Sample.Value / (1 << 20))).ToList()) { Dashed = true });
        }

        var hitRatio = (await reader.LinesAsync(Select(RedisSeries.HitRatio), range, _ => "hit ratio", v => v * 100, ct: ct)).ToList();
        var operations = (await reader.LinesAsync(Select(RedisSeries.OpsPerSecond), range, _ => "ops/s", ct: ct)).ToList();
        if (weekAgo)
        {
            hitRatio.AddRange(await reader.WeekAgoLinesAsync(Select(RedisSeries.HitRatio), range, _ => "hit ratio", v => v * 100, ct));
            operations.AddRange(await reader.WeekAgoLinesAsync(Select(RedisSeries.OpsPerSecond), range, _ => "ops/s", ct: ct));
        }

        var evictions = (await reader.LinesAsync(Select(RedisSeries.EvictedKeysPerSecond), range, _ => "evicted/s", ct: ct))
            .Concat(await reader.LinesAsync(Select(RedisSeries.ExpiredKeysPerSecond), range, _ => "expired/s", ct: ct)).ToList();

        var calls = await reader.LatestAsync(Select(RedisSeries.CommandCallsPerSecond), ct);
        var means = await reader.LatestAsync(Select(RedisSeries.CommandMeanSeconds), ct);
        var quantiles = await reader.LatestAsync(Select(RedisSeries.CommandLatencySeconds), ct);
        var newest = calls.Count == 0 ? 0 : calls.Max(c => c.Sample.TimestampMs);
        double? Quantile(string command, string q) => quantiles.FirstOrDefault(x => x.Key["command"] == command && x.Key["quantile"] == q)?.Sample.Value;
        var commands = calls.Where(c => c.Sample.TimestampMs == newest).Select(c =>
        {
            var command = c.Key["command"]!;
            return new CommandRow(command, c.Sample.Value,
                means.FirstOrDefault(m => m.Key["command"] == command && m.Sample.TimestampMs == newest)?.Sample.Value,
                Quantile(command, "0.5"), Quantile(command, "0.99"), Quantile(command, "0.999"));
        }).OrderByDescending(c => c.CallsPerSecond).ToList();

        return new CacheModel(instances, instance, tiles, memory, hitRatio, operations, evictions, commands);
    }
}
