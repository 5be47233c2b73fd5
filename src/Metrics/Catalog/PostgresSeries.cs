namespace X0tta6bl4.Ops.Metrics.Catalog;

/// <summary>Canonical series from PostgreSQL's statistics views; labels instance and source="postgres" plus those named. See docs/catalog.md.</summary>
public static class PostgresSeries
{
    public const string Connections = "db_connections";
    public const string WaitingSessions = "db_waiting_sessions";
    public const string MaxConnections = "db_max_connections";
    public const string LongestTransactionSeconds = "db_longest_transaction_seconds";
    public const string LongestQuerySeconds = "db_longest_query_seconds";
    public const string LongestLockWaitSeconds = "db_longest_lock_wait_seconds";
    public const string CommitsPerSecond = "db_commits_per_second";
    public const string RollbacksPerSecond = "db_rollbacks_per_second";
    public const string TuplesPerSecond = "db_tuples_per_second";
    public const string DeadlocksTotal = "db_deadlocks_total";
    public const string TempFilesPerSecond = "db_temp_files_per_second";
    public const string TempBytesPerSecond = "db_temp_bytes_per_second";
    public const string CacheHitRatio = "db_cache_hit_ratio";
    public const string SizeBytes = "db_size_bytes";
    public const string IndexSizeBytes = "db_index_size_bytes";
    public const string StatementCallsPerSecond = "db_statement_calls_per_second";
    public const string StatementMeanSeconds = "db_statement_mean_seconds";
    public const string StatementTotalSeconds = "db_statement_total_seconds";
    public const string AutovacuumWorkers = "db_autovacuum_workers";
    public const string DeadTuples = "db_dead_tuples";
    public const string LastAutovacuumAgeSeconds = "db_last_autovacuum_age_seconds";
    public const string ReplicationLagSeconds = "db_replication_lag_seconds";
}
