using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>How one Alertmanager is answering: its newest success and its newest failure with the reason.</summary>
public sealed record AlertmanagerStatus(string Url, long? LastSuccessMs, string? LastError, long? LastErrorMs)
{
    /// <summary>Failing: the newest attempt failed (its error is newer than its newest success).</summary>
    public bool Failing => LastErrorMs is { } error && (LastSuccessMs is not { } success || error > success);
}

/// <summary>One alert's newest send to one Alertmanager: the state it was sent in, and when.</summary>
public sealed record AlertSend(long AlertId, string Alertmanager, AlertState State, long SentMs);

/// <summary>
/// What the collector holding the alerts lease has delivered, for the Alerts page (which never reads a collector's
/// memory): each configured Alertmanager's status, and each alert's newest send to each of them.
/// </summary>
public sealed class SqlAlertDeliveryStore(SqlDatabase database) : IStoreSchema
{
    public string Description => "the alert delivery store";

    public static IReadOnlyList<TableMigration> Migrations { get; } = [new(1, "alertmanager_status, alert_deliveries", _ => """
        CREATE TABLE IF NOT EXISTS alertmanager_status (
            alertmanager TEXT PRIMARY KEY,
            last_success_ms BIGINT,
            last_error TEXT,
            last_error_ms BIGINT
        );
        CREATE TABLE IF NOT EXISTS alert_deliveries (
            alert_id BIGINT NOT NULL,
            alertmanager TEXT NOT NULL,
            state TEXT NOT NULL,
            sent_ms BIGINT NOT NULL,
            PRIMARY KEY (alert_id, alertmanager)
        );
        """)];

    public Task MigrateAsync(CancellationToken ct) => TableMigrations.ApplyAsync(database, "alert_deliveries", Migrations, ct);

    /// <summary>The Alertmanagers in force: rows for new ones, and those no longer configured forgotten.</summary>
    public async Task RegisterAsync(IReadOnlyList<string> alertmanagers, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var known = new List<string>();
        await using (var read = SqlDatabase.Command(connection, "SELECT alertmanager FROM alertmanager_status"))
        {
            read.Transaction = transaction;
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                known.Add(reader.GetString(0));
            }
        }

        foreach (var gone in known.Except(alertmanagers))
        {
            await using var delete = SqlDatabase.Command(connection, "DELETE FROM alertmanager_status WHERE alertmanager = @am", ("am", gone));
            delete.Transaction = transaction;
            await delete.ExecuteNonQueryAsync(ct);
        }

        foreach (var added in alertmanagers.Except(known))
        {
            await using var insert = SqlDatabase.Command(connection, "INSERT INTO alertmanager_status (alertmanager) VALUES (@am)", ("am", added));
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>A post that Alertmanager accepted, with the alerts it held (in the state each was sent in).</summary>
    public async Task RecordSentAsync(string alertmanager, IReadOnlyList<(long AlertId, AlertState State)> sent, long atMs, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var status = SqlDatabase.Command(connection, """
            INSERT INTO alertmanager_status (alertmanager, last_success_ms) VALUES (@am, @at)
            ON CONFLICT (alertmanager) DO UPDATE SET last_success_ms = excluded.last_success_ms
            """, ("am", alertmanager), ("at", atMs)))
        {
            status.Transaction = transaction;
            await status.ExecuteNonQueryAsync(ct);
        }

        foreach (var (id, state) in sent)
        {
            await using var upsert = SqlDatabase.Command(connection, """
                INSERT INTO alert_deliveries (alert_id, alertmanager, state, sent_ms) VALUES (@id, @am, @state, @at)
                ON CONFLICT (alert_id, alertmanager) DO UPDATE SET state = excluded.state, sent_ms = excluded.sent_ms
                """, ("id", id), ("am", alertmanager), ("state", state.ToString()), ("at", atMs));
            upsert.Transaction = transaction;
            await upsert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>A post that failed, and why (no secret in it: the caller says what went wrong, not what was sent).</summary>
    public Task RecordFailureAsync(string alertmanager, string error, long atMs, CancellationToken ct) => database.ExecuteAsync("""
        INSERT INTO alertmanager_status (alertmanager, last_error, last_error_ms) VALUES (@am, @error, @at)
        ON CONFLICT (alertmanager) DO UPDATE SET last_error = excluded.last_error, last_error_ms = excluded.last_error_ms
        """, ct, ("am", alertmanager), ("error", error), ("at", atMs));

    public async Task<IReadOnlyList<AlertmanagerStatus>> StatusAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, "SELECT alertmanager, last_success_ms, last_error, last_error_ms FROM alertmanager_status ORDER BY alertmanager");
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<AlertmanagerStatus>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new AlertmanagerStatus(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt64(3)));
        }

        return result;
    }

    /// <summary>The newest sends of the alerts that started in the range or were open during it (as <see cref="SqlAlertStore.ListAsync"/> lists them).</summary>
    public async Task<IReadOnlyList<AlertSend>> SendsAsync(long fromMs, long toMs, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection,
            $"SELECT alert_id, alertmanager, state, sent_ms FROM alert_deliveries WHERE alert_id IN (SELECT id FROM alerts WHERE {SqlAlertStore.InRange})",
            ("from", fromMs), ("to", toMs));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var result = new List<AlertSend>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new AlertSend(reader.GetInt64(0), reader.GetString(1), Enum.Parse<AlertState>(reader.GetString(2)), reader.GetInt64(3)));
        }

        return result;
    }
}
