using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>Alert history in the metric store's database (SQLite file or PostgreSQL), one row per alert.</summary>
public sealed class SqlAlertStore(SqlDatabase database) : IStoreSchema
{
    private readonly SqlDatabase _database = database;

    public string Description => "the alert store";

    public static Task<SqlAlertStore> OpenSqliteAsync(string path, CancellationToken ct = default) => OpenAsync(SqlDatabase.Sqlite(path), ct);

    public static async Task<SqlAlertStore> OpenAsync(SqlDatabase database, CancellationToken ct = default)
    {
        var store = new SqlAlertStore(database);
        await store.MigrateAsync(ct);
        return store;
    }

    /// <summary>The alert table's versions, oldest first (see <see cref="TableMigrations"/>).</summary>
    public static IReadOnlyList<TableMigration> Migrations { get; } =
    [
        new(1, "alerts", postgres => $"""
            CREATE TABLE IF NOT EXISTS alerts (
                {TableMigrations.IdColumn(postgres)},
                rule_id TEXT NOT NULL,
                severity TEXT NOT NULL,
                labels TEXT NOT NULL,
                state TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                fired_ms BIGINT,
                resolved_ms BIGINT,
                value DOUBLE PRECISION,
                acked_by TEXT,
                ack_comment TEXT,
                acked_ms BIGINT
            );
            CREATE INDEX IF NOT EXISTS alerts_started ON alerts (started_ms);
            """),
        new(2, "alerts.detail: what an alert measured beyond its value (which burn-rate pair fired, and how fast)", _ => "ALTER TABLE alerts ADD COLUMN detail TEXT"),
        new(3, "alerts.silence_id, silence_until_resolved: the Alertmanager silence made when it was acknowledged", _ => """
            ALTER TABLE alerts ADD COLUMN silence_id TEXT;
            ALTER TABLE alerts ADD COLUMN silence_until_resolved INTEGER NOT NULL DEFAULT 0;
            """),
    ];

    public Task MigrateAsync(CancellationToken ct) => TableMigrations.ApplyAsync(_database, "alerts", Migrations, ct);

    /// <summary>Starts a pending alert; returns its id.</summary>
    public async Task<long> StartAsync(string ruleId, string severity, string labels, long atMs, double value, CancellationToken ct = default, string? detail = null)
    {
        var sql = "INSERT INTO alerts (rule_id, severity, labels, state, started_ms, value, detail) VALUES (@rule, @severity, @labels, 'Pending', @at, @value, @detail) RETURNING id";
        await using var connection = await _database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, sql, ("rule", ruleId), ("severity", severity), ("labels", labels), ("at", atMs), ("value", value),
            ("detail", (object?)detail ?? DBNull.Value));
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    /// <param name="detail">What the alert measured beyond its value, in words (a burn-rate alert's windows); kept when null.</param>
    public Task FireAsync(long id, long atMs, double value, CancellationToken ct = default, string? detail = null) =>
        _database.ExecuteAsync("UPDATE alerts SET state = 'Firing', fired_ms = @at, value = @value, detail = coalesce(@detail, detail) WHERE id = @id", ct,
            ("id", id), ("at", atMs), ("value", value), ("detail", (object?)detail ?? DBNull.Value));

    public Task ResolveAsync(long id, long atMs, CancellationToken ct = default) =>
        _database.ExecuteAsync("UPDATE alerts SET state = 'Resolved', resolved_ms = @at WHERE id = @id AND state <> 'Resolved'", ct, ("id", id), ("at", atMs));

    /// <summary>
    /// Forgets a pending alert whose condition cleared before it fired: it paged nobody and is no alert. One that
    /// someone acknowledged while it was pending is resolved instead, so their note is kept.
    /// </summary>
    public async Task ClearPendingAsync(long id, long atMs, CancellationToken ct = default)
    {
        if (await _database.ExecuteAsync("DELETE FROM alerts WHERE id = @id AND state = 'Pending' AND acked_ms IS NULL", ct, ("id", id)) == 0)
        {
            await ResolveAsync(id, atMs, ct);
        }
    }

    /// <summary>Acknowledges an alert once; returns false when it does not exist or is acknowledged already.</summary>
    public async Task<bool> AcknowledgeAsync(long id, string by, string comment, long atMs, CancellationToken ct = default) =>
        await _database.ExecuteAsync("UPDATE alerts SET acked_by = @by, ack_comment = @comment, acked_ms = @at WHERE id = @id AND acked_ms IS NULL",
            ct, ("id", id), ("by", by), ("comment", comment), ("at", atMs)) == 1;

    /// <summary>Records the silence made with an acknowledgement; one until the alert resolves is expired then (by the delivery).</summary>
    public Task RecordSilenceAsync(long id, string silenceId, bool untilResolved, CancellationToken ct = default) =>
        _database.ExecuteAsync("UPDATE alerts SET silence_id = @silence, silence_until_resolved = @until WHERE id = @id", ct,
            ("id", id), ("silence", silenceId), ("until", untilResolved ? 1 : 0));

    /// <summary>Resolved alerts whose silence was to last until they resolved, and still does.</summary>
    public Task<IReadOnlyList<AlertRecord>> SilencesToExpireAsync(CancellationToken ct = default) =>
        QueryAsync($"SELECT {Columns} FROM alerts WHERE silence_until_resolved = 1 AND resolved_ms IS NOT NULL", ct);

    public Task SilenceExpiredAsync(long id, CancellationToken ct = default) =>
        _database.ExecuteAsync("UPDATE alerts SET silence_until_resolved = 0 WHERE id = @id", ct, ("id", id));

    private const string Columns = "id, rule_id, severity, labels, state, started_ms, fired_ms, resolved_ms, value, acked_by, ack_comment, acked_ms, detail, silence_id, silence_until_resolved";

    /// <summary>The condition on alerts (parameters @from, @to) of those that started in a range or were open during it.</summary>
    internal const string InRange = "started_ms <= @to AND (resolved_ms IS NULL OR resolved_ms >= @from)";

    /// <summary>Alerts that started in the range or were still open during it, newest first.</summary>
    public Task<IReadOnlyList<AlertRecord>> ListAsync(long fromMs, long toMs, CancellationToken ct = default) =>
        QueryAsync($"SELECT {Columns} FROM alerts WHERE {InRange} ORDER BY started_ms DESC LIMIT 5000",
            ct, ("from", fromMs), ("to", toMs));

    /// <summary>The alerts resolved at or after <paramref name="sinceMs"/> (resolved alerts are sent on for a while).</summary>
    public Task<IReadOnlyList<AlertRecord>> ResolvedSinceAsync(long sinceMs, CancellationToken ct = default) =>
        QueryAsync($"SELECT {Columns} FROM alerts WHERE resolved_ms >= @since ORDER BY started_ms DESC", ct, ("since", sinceMs));

    /// <summary>The alerts not yet resolved (the Overview's list; the evaluator's state after a restart).</summary>
    public Task<IReadOnlyList<AlertRecord>> OpenAlertsAsync(CancellationToken ct = default) =>
        QueryAsync($"SELECT {Columns} FROM alerts WHERE resolved_ms IS NULL ORDER BY started_ms DESC", ct);

    private async Task<IReadOnlyList<AlertRecord>> QueryAsync(string sql, CancellationToken ct, params (string, object)[] parameters)
    {
        await using var connection = await _database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, sql, parameters);
        var records = new List<AlertRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            long? L(int i) => reader.IsDBNull(i) ? null : reader.GetInt64(i);
            string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            records.Add(new AlertRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                Enum.Parse<AlertState>(reader.GetString(4)), reader.GetInt64(5), L(6), L(7), reader.IsDBNull(8) ? null : reader.GetDouble(8), S(9), S(10), L(11), S(12), S(13), reader.GetInt64(14) == 1));
        }

        return records;
    }
}
