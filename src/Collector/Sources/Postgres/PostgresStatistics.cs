using Npgsql;

namespace X0tta6bl4.Ops.Collector.Sources.Postgres;

/// <remarks>pg_stat_statements keeps a row per user, database and nesting level; statements are summed per queryid.</remarks>
/// <summary>One reading of PostgreSQL's statistics, as plain rows (read by <see cref="PostgresStatisticsReader"/>).</summary>
public sealed record PostgresStatistics(
    IReadOnlyList<ActivityRow> Activity,
    double? LongestTransactionSeconds,
    double? LongestQuerySeconds,
    int MaxConnections,
    IReadOnlyList<DatabaseRow> Databases,
    string CurrentDatabase,
    long? CurrentDatabaseIndexBytes,
    IReadOnlyList<StatementRow>? Statements,
    int AutovacuumWorkers,
    IReadOnlyList<TableVacuumRow> Tables,
    IReadOnlyList<ReplicaRow> Replicas,
    double? StandbyLagSeconds)
{
    /// <summary>How long the longest-waiting lock request has waited; null before PostgreSQL 14 (no pg_locks.waitstart).</summary>
    public double? LongestLockWaitSeconds { get; init; }
}

public sealed record ActivityRow(string Database, string User, string State, long Count, long Waiting);

public sealed record DatabaseRow(
    string Name, long Commits, long Rollbacks, long Returned, long Fetched, long Inserted, long Updated, long Deleted,
    long Deadlocks, long TempFiles, long TempBytes, long BlocksHit, long BlocksRead, long? SizeBytes);

public sealed record StatementRow(long QueryId, string Query, long Calls, double TotalMs);

public sealed record TableVacuumRow(string Table, long DeadTuples, double? LastAutovacuumAgeSeconds);

public sealed record ReplicaRow(string Name, double? ReplayLagSeconds);

/// <summary>
/// Reads the statistics in one read-only transaction with a statement timeout. Works under a role that
/// has only pg_monitor: every view used is readable by it.
/// </summary>
public static class PostgresStatisticsReader
{
    public static async Task<PostgresStatistics> ReadAsync(NpgsqlConnection connection, int statementTimeoutMs, int topStatements, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        await ExecuteAsync(connection, $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {statementTimeoutMs}", ct);

        var activity = await QueryAsync(connection, """
            SELECT coalesce(datname, ''), coalesce(usename, ''), coalesce(state, 'unknown'), count(*),
                   count(*) FILTER (WHERE wait_event_type = 'Lock')
            FROM pg_stat_activity WHERE backend_type = 'client backend'
            GROUP BY 1, 2, 3
            """, r => new ActivityRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)), ct);

        var (longestXact, longestQuery) = (await QueryAsync(connection, """
            SELECT greatest(0, extract(epoch FROM max(clock_timestamp() - xact_start)))::float8,
                   greatest(0, extract(epoch FROM max(clock_timestamp() - query_start) FILTER (WHERE state = 'active')))::float8
            FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
            """, r => (r.IsDBNull(0) ? (double?)null : r.GetDouble(0), r.IsDBNull(1) ? (double?)null : r.GetDouble(1)), ct))[0];

        var maxConnections = (await QueryAsync(connection, "SELECT current_setting('max_connections')::int, current_database()",
            r => (r.GetInt32(0), r.GetString(1)), ct))[0];

        var databases = await QueryAsync(connection, """
            SELECT d.datname, xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,
                   deadlocks, temp_files, temp_bytes, blks_hit, blks_read,
                   CASE WHEN has_database_privilege(d.datname, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'MEMBER')
                        THEN pg_database_size(d.datname) END
            FROM pg_stat_database d
            WHERE d.datname IS NOT NULL AND d.datname NOT IN ('template0', 'template1')
            """, r => new DatabaseRow(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
                r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11), r.GetInt64(12), r.IsDBNull(13) ? null : r.GetInt64(13)), ct);

        var indexBytes = (await QueryAsync(connection, """
            SELECT sum(pg_relation_size(i.indexrelid))::bigint FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
            """, r => r.IsDBNull(0) ? (long?)0 : r.GetInt64(0), ct))[0];

        IReadOnlyList<StatementRow>? statements = null;
        var hasStatements = (await QueryAsync(connection, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'", r => r.GetInt64(0), ct))[0] > 0;
        if (hasStatements)
        {
            statements = await QueryAsync(connection, $"""
                SELECT queryid, regexp_replace(left(min(query), 200), '\s+', ' ', 'g'), sum(calls)::bigint, sum(total_exec_time)
                FROM pg_stat_statements WHERE queryid IS NOT NULL
                GROUP BY queryid ORDER BY 4 DESC LIMIT {topStatements}
                """, r => new StatementRow(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetDouble(3)), ct);
        }

        var workers = (await QueryAsync(connection, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'", r => (int)r.GetInt64(0), ct))[0];
        var tables = await QueryAsync(connection, """
            SELECT schemaname || '.' || relname, n_dead_tup,
                   extract(epoch FROM now() - greatest(last_autovacuum, last_vacuum))::float8
            FROM pg_stat_user_tables ORDER BY n_dead_tup DESC LIMIT 10
            """, r => new TableVacuumRow(r.GetString(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetDouble(2)), ct);
        // replay_lag turns NULL a while after a standby has caught up and no WAL flows: a standby that has replayed
        // everything the primary wrote is 0 s behind, a measurement; one that has not and shows no lag is not measured.
        var replicas = await QueryAsync(connection, """
            SELECT coalesce(nullif(application_name, ''), client_addr::text, pid::text),
                   coalesce(extract(epoch FROM replay_lag)::float8,
                            CASE WHEN state = 'streaming' AND replay_lsn = CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END
                                 THEN 0 END)
            FROM pg_stat_replication
            """,
            r => new ReplicaRow(r.GetString(0), r.IsDBNull(1) ? null : r.GetDouble(1)), ct);
        var standbyLag = (await QueryAsync(connection,
            "SELECT CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END",
            r => r.IsDBNull(0) ? (double?)null : r.GetDouble(0), ct))[0];

        // pg_locks.waitstart exists from PostgreSQL 14; it can be null for a moment after a wait begins, and max() skips that.
        double? longestLockWait = null;
        if (connection.PostgreSqlVersion.Major >= 14)
        {
            longestLockWait = (await QueryAsync(connection,
                "SELECT coalesce(greatest(0, extract(epoch FROM max(clock_timestamp() - waitstart))), 0)::float8 FROM pg_locks WHERE NOT granted",
                r => r.GetDouble(0), ct))[0];
        }

        await transaction.CommitAsync(ct);
        return new PostgresStatistics(activity, longestXact, longestQuery, maxConnections.Item1, databases, maxConnections.Item2, indexBytes,
            statements, workers, tables, replicas, standbyLag) { LongestLockWaitSeconds = longestLockWait };
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
