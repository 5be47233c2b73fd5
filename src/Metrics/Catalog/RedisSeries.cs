namespace X0tta6bl4.Ops.Metrics.Catalog;

/// <summary>Canonical series from Redis INFO; every one has labels instance and source="redis". See docs/catalog.md.</summary>
public static class RedisSeries
{
    public const string Info = "redis_info";
    public const string UptimeSeconds = "redis_uptime_seconds";
    public const string MemoryUsedBytes = "redis_memory_used_bytes";
    public const string MemoryRssBytes = "redis_memory_rss_bytes";
    public const string MemoryMaxBytes = "redis_memory_max_bytes";
    public const string MemoryLimited = "redis_memory_limited";
    public const string FragmentationRatio = "redis_memory_fragmentation_ratio";
    public const string HitRatio = "redis_hit_ratio";
    public const string OpsPerSecond = "redis_ops_per_second";
    public const string EvictedKeysPerSecond = "redis_evicted_keys_per_second";
    public const string ExpiredKeysPerSecond = "redis_expired_keys_per_second";
    public const string EvictedKeysTotal = "redis_evicted_keys_total";
    public const string ExpiredKeysTotal = "redis_expired_keys_total";
    public const string ConnectedClients = "redis_connected_clients";
    public const string BlockedClients = "redis_blocked_clients";
    public const string RejectedConnectionsTotal = "redis_rejected_connections_total";
    public const string CpuMillicores = "redis_cpu_millicores";
    public const string AofEnabled = "redis_aof_enabled";
    public const string AofSizeBytes = "redis_aof_size_bytes";
    public const string AofLastRewriteOk = "redis_aof_last_rewrite_ok";
    public const string AofLastWriteOk = "redis_aof_last_write_ok";
    public const string RdbLastSaveOk = "redis_rdb_last_save_ok";
    public const string RdbChangesSinceLastSave = "redis_rdb_changes_since_last_save";
    public const string RdbLastSaveAgeSeconds = "redis_rdb_last_save_age_seconds";
    public const string CommandCallsPerSecond = "redis_command_calls_per_second";
    public const string CommandMeanSeconds = "redis_command_mean_seconds";
    public const string CommandLatencySeconds = "redis_command_latency_seconds";
    public const string Keys = "redis_keys";
    public const string KeysExpiring = "redis_keys_expiring";
    public const string ConnectedReplicas = "redis_connected_replicas";
    public const string MasterLinkUp = "redis_master_link_up";
    public const string ReplicationOffset = "redis_replication_offset";
}
