using System.Globalization;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Redis;

/// <summary>
/// Turns successive INFO replies of one Redis into canonical series. Ratios and rates are windowed
/// (the increase between the window's oldest reply and the newest, restarts handled), so the hit
/// ratio shows the last minute, not the lifetime since the server started.
/// </summary>
public sealed class RedisDerivation(string instance, TimeSpan window)
{
    private readonly CounterWindow _window = new(window);

    public IReadOnlyList<SeriesSample> Derive(RedisInfo info, long timestampMs)
    {
        var output = new SourceSamples(instance, "redis", timestampMs);
        void Add(string name, double? value, params (string, string)[] labels) => output.Add(name, value, labels);

        Add(RedisSeries.Info, 1, ("version", info.Text("redis_version") ?? ""), ("role", info.Text("role") ?? ""),
            ("mode", info.Text("redis_mode") ?? ""), ("policy", info.Text("maxmemory_policy") ?? ""));
        Add(RedisSeries.UptimeSeconds, info.Number("uptime_in_seconds"));

        Add(RedisSeries.MemoryUsedBytes, info.Number("used_memory"));
        Add(RedisSeries.MemoryRssBytes, info.Number("used_memory_rss"));
        var maxMemory = info.Number("maxmemory");
        // maxmemory 0 means "no limit": say so, and never chart 0 as a limit.
        Add(RedisSeries.MemoryLimited, maxMemory is null ? null : maxMemory > 0 ? 1 : 0);
        Add(RedisSeries.MemoryMaxBytes, maxMemory > 0 ? maxMemory : null);
        Add(RedisSeries.FragmentationRatio, info.Number("mem_fragmentation_ratio"));

        Add(RedisSeries.ConnectedClients, info.Number("connected_clients"));
        Add(RedisSeries.BlockedClients, info.Number("blocked_clients"));
        Add(RedisSeries.RejectedConnectionsTotal, info.Number("rejected_connections"));
        Add(RedisSeries.EvictedKeysTotal, info.Number("evicted_keys"));
        Add(RedisSeries.ExpiredKeysTotal, info.Number("expired_keys"));

        var aof = info.Number("aof_enabled");
        Add(RedisSeries.AofEnabled, aof);
        if (aof == 1)
        {
            Add(RedisSeries.AofSizeBytes, info.Number("aof_current_size"));
            Add(RedisSeries.AofLastRewriteOk, Ok(info.Text("aof_last_bgrewrite_status")));
            Add(RedisSeries.AofLastWriteOk, Ok(info.Text("aof_last_write_status")));
        }

        Add(RedisSeries.RdbLastSaveOk, Ok(info.Text("rdb_last_bgsave_status")));
        Add(RedisSeries.RdbChangesSinceLastSave, info.Number("rdb_changes_since_last_save"));
        if (info.Number("rdb_last_save_time") is { } lastSave)
        {
            Add(RedisSeries.RdbLastSaveAgeSeconds, Math.Max(0, timestampMs / 1000.0 - lastSave));
        }

        foreach (var (db, fields) in info.WithPrefix("db"))
        {
            if (db.All(char.IsAsciiDigit))
            {
                Add(RedisSeries.Keys, fields.GetValueOrDefault("keys"), ("db", db));
                Add(RedisSeries.KeysExpiring, fields.GetValueOrDefault("expires"), ("db", db));
            }
        }

        foreach (var (command, fields) in info.WithPrefix("latency_percentiles_usec_"))
        {
            foreach (var (field, quantile) in new[] { ("p50", "0.5"), ("p99", "0.99"), ("p99.9", "0.999") })
            {
                if (fields.TryGetValue(field, out var usec))
                {
                    Add(RedisSeries.CommandLatencySeconds, usec / 1_000_000, ("command", command), ("quantile", quantile));
                }
            }
        }

        var role = info.Text("role");
        Add(RedisSeries.ConnectedReplicas, info.Number("connected_slaves"));
        Add(RedisSeries.ReplicationOffset, info.Number(role == "slave" ? "slave_repl_offset" : "master_repl_offset"));
        if (role == "slave")
        {
            Add(RedisSeries.MasterLinkUp, info.Text("master_link_status") == "up" ? 1 : 0);
        }

        AddWindowed(info, timestampMs, Add);
        return output.Samples;
    }

    private void AddWindowed(RedisInfo info, long timestampMs, Action<string, double?, (string, string)[]> add)
    {
        var counters = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var key in new[] { "keyspace_hits", "keyspace_misses", "total_commands_processed", "evicted_keys", "expired_keys", "used_cpu_sys", "used_cpu_user" })
        {
            if (info.Number(key) is { } value)
            {
                counters[key] = value;
            }
        }

        var commands = info.WithPrefix("cmdstat_").ToList();
        foreach (var (command, fields) in commands)
        {
            counters["calls:" + command] = fields.GetValueOrDefault("calls");
            counters["usec:" + command] = fields.GetValueOrDefault("usec");
        }

        var delta = _window.Advance(timestampMs, counters);
        if (delta is null)
        {
            return;
        }

        add(RedisSeries.HitRatio, delta.Ratio("keyspace_hits", "keyspace_misses"), []);
        add(RedisSeries.OpsPerSecond, delta.Rate("total_commands_processed"), []);
        add(RedisSeries.EvictedKeysPerSecond, delta.Rate("evicted_keys"), []);
        add(RedisSeries.ExpiredKeysPerSecond, delta.Rate("expired_keys"), []);
        if (delta.Increase("used_cpu_sys") is { } sys && delta.Increase("used_cpu_user") is { } user)
        {
            add(RedisSeries.CpuMillicores, (sys + user) / delta.Seconds * 1000, []);
        }

        foreach (var (command, _) in commands)
        {
            var calls = delta.Increase("calls:" + command);
            add(RedisSeries.CommandCallsPerSecond, calls / delta.Seconds, [("command", command)]);
            if (calls > 0)
            {
                add(RedisSeries.CommandMeanSeconds, delta.Increase("usec:" + command) / calls / 1_000_000, [("command", command)]);
            }
        }
    }

    private static double? Ok(string? status) => status is null ? null : status == "ok" ? 1 : 0;

    public static (string Host, int Port) ParseEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{endpoint}' is not host:port.");
        }

        return (endpoint[..colon], port);
    }
}
