using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.LoadRuns;
using X0tta6bl4.Ops.Metrics.Reports;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>
/// A database whose side tables were made by the last build before versions (06cfb3f, unversioned
/// <c>CREATE TABLE IF NOT EXISTS</c>) is taken to the newest versions with its rows intact, on both providers.
/// </summary>
public abstract class TableMigrationsTests(ITestDatabase test) : IAsyncLifetime
{
    public ValueTask InitializeAsync() => test.InitializeAsync();

    public ValueTask DisposeAsync() => test.DisposeAsync();

    // The side tables exactly as 06cfb3f created them ({id}: the provider's identity column), with a row in each.
    private const string UnversionedTables = """
        CREATE TABLE alerts ({id}, rule_id TEXT NOT NULL, severity TEXT NOT NULL, labels TEXT NOT NULL, state TEXT NOT NULL,
            started_ms BIGINT NOT NULL, fired_ms BIGINT, resolved_ms BIGINT, value DOUBLE PRECISION, acked_by TEXT, ack_comment TEXT, acked_ms BIGINT);
        CREATE INDEX alerts_started ON alerts (started_ms);
        CREATE TABLE alertmanager_status (alertmanager TEXT PRIMARY KEY, last_success_ms BIGINT, last_error TEXT, last_error_ms BIGINT);
        CREATE TABLE alert_deliveries (alert_id BIGINT NOT NULL, alertmanager TEXT NOT NULL, state TEXT NOT NULL, sent_ms BIGINT NOT NULL, PRIMARY KEY (alert_id, alertmanager));
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_by TEXT NOT NULL, updated_ms BIGINT NOT NULL);
        CREATE TABLE saved_reports ({id}, name TEXT NOT NULL, window_from_ms BIGINT NOT NULL, window_to_ms BIGINT NOT NULL, query TEXT NOT NULL,
            saved_by TEXT NOT NULL, saved_ms BIGINT NOT NULL, model_json TEXT NOT NULL);
        CREATE TABLE load_runs ({id}, name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, started_ms BIGINT NOT NULL, ended_ms BIGINT,
            started_by TEXT NOT NULL, runner TEXT NOT NULL, heartbeat_ms BIGINT NOT NULL, stop_requested INTEGER NOT NULL DEFAULT 0, plan_json TEXT NOT NULL,
            progress_json TEXT, result_json TEXT, summary_json TEXT, capacity_rps DOUBLE PRECISION, error TEXT);
        CREATE TABLE load_run_seconds (run_id BIGINT NOT NULL, second INTEGER NOT NULL, snapshot_json TEXT NOT NULL, PRIMARY KEY (run_id, second));
        CREATE TABLE collector_sources (name TEXT PRIMARY KEY, endpoint TEXT NOT NULL, state TEXT NOT NULL, last_attempt_ms BIGINT, last_success_ms BIGINT,
            last_error TEXT, last_duration_ms DOUBLE PRECISION, series_written INTEGER NOT NULL, interval_ms BIGINT NOT NULL, collector TEXT);
        CREATE TABLE collector_snapshots (kind TEXT PRIMARY KEY, read_ms BIGINT NOT NULL, body TEXT NOT NULL, collector TEXT NOT NULL);
        CREATE TABLE collector_instances (name TEXT PRIMARY KEY, started_ms BIGINT NOT NULL, heartbeat_ms BIGINT NOT NULL);
        CREATE TABLE collector_leases (lease TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_ms BIGINT NOT NULL);
        CREATE TABLE collector_source_warnings (name TEXT PRIMARY KEY, at_ms BIGINT NOT NULL, warnings TEXT NOT NULL);
        CREATE TABLE collector_buffers (name TEXT PRIMARY KEY, buffered BIGINT NOT NULL, capacity BIGINT NOT NULL, dropped BIGINT NOT NULL,
            spool_bytes BIGINT, spool_max_bytes BIGINT, at_ms BIGINT NOT NULL);
        INSERT INTO alerts (rule_id, severity, labels, state, started_ms, fired_ms, value, acked_by, ack_comment, acked_ms)
            VALUES ('source-down', 'critical', 'source="redis"', 'Firing', 1000, 61000, 0, 'ana', 'on it', 90000);
        INSERT INTO alertmanager_status VALUES ('http://127.0.0.1:59093', 62000, NULL, NULL);
        INSERT INTO alert_deliveries VALUES (1, 'http://127.0.0.1:59093', 'Firing', 62000);
        INSERT INTO settings VALUES ('sla', '{"P95Ms":180}', 'ana', 5000);
        INSERT INTO saved_reports (name, window_from_ms, window_to_ms, query, saved_by, saved_ms, model_json) VALUES ('week 47', 0, 604800000, 'window=7d', 'ana', 7000, '{}');
        INSERT INTO load_runs (name, kind, status, started_ms, started_by, runner, heartbeat_ms, plan_json, capacity_rps)
            VALUES ('capacity', 'capacity', 'Completed', 8000, 'ana', 'dash-1', 9000, '{}', 812.5);
        INSERT INTO collector_leases VALUES ('alerts', 'collector-1', 99000);
        """;

    [Fact]
    public async Task UnversionedTables_AreTakenToTheNewestVersions_WithTheirRows()
    {
        var ct = TestContext.Current.CancellationToken;
        var database = test.Database;
        await database.ExecuteAsync(UnversionedTables.Replace("{id}", TableMigrations.IdColumn(database.IsPostgres), StringComparison.Ordinal), ct);
        var alerts = new SqlAlertStore(database);
        var settings = new SqlSettingsStore(database);
        var reports = new SqlReportStore(database);
        var loadRuns = new SqlLoadRunStore(database);
        IStoreSchema[] stores = [alerts, new SqlAlertDeliveryStore(database), settings, reports, loadRuns, new SqlCollectorStateStore(database)];

        // Twice: the second start finds every version applied and changes nothing.
        foreach (var store in stores.Concat(stores))
        {
            await store.MigrateAsync(ct);
        }

        Assert.Equal(SqlAlertStore.Migrations.Count, await TableMigrations.VersionAsync(database, "alerts", ct));
        var alert = Assert.Single(await alerts.OpenAlertsAsync(ct));
        Assert.Equal(("source-down", AlertState.Firing, "ana", "on it", (long?)90_000, (string?)null),
            (alert.RuleId, alert.State, alert.AckedBy, alert.AckComment, alert.AckedMs, alert.Detail));
        // Version 2's column takes values, and the identity carries on after the old row.
        var added = await alerts.StartAsync("slo-burn-page", "critical", "job=\"api\"", 100_000, 1.4, ct, "The 1 h / 5 min pair");
        Assert.Equal(2, added);
        Assert.Equal("The 1 h / 5 min pair", (await alerts.OpenAlertsAsync(ct)).Single(a => a.Id == added).Detail);

        Assert.Equal(("{\"P95Ms\":180}", "ana", 5000L), (await settings.GetAsync("sla", ct))!.Value);
        Assert.Equal("week 47", Assert.Single(await reports.ListAsync(10, ct)).Name);
        Assert.Equal(812.5, (await loadRuns.NewestCapacityAsync(ct))!.CapacityRps);
        Assert.Equal(1, await database.ExecuteAsync("UPDATE collector_leases SET holder = holder WHERE lease = 'alerts'", ct));
        Assert.Equal(1, await database.ExecuteAsync("UPDATE alert_deliveries SET state = state WHERE alert_id = 1", ct));
    }

    [Fact]
    public async Task ANewDatabase_GetsEveryVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        var alerts = new SqlAlertStore(test.Database);

        await alerts.MigrateAsync(ct);

        Assert.Equal(SqlAlertStore.Migrations.Count, await TableMigrations.VersionAsync(test.Database, "alerts", ct));
        Assert.Empty(await alerts.OpenAlertsAsync(ct));
    }

    [Fact]
    public async Task ADatabaseFromANewerBuild_IsRefusedWithItsVersions()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = new SqlSettingsStore(test.Database);
        await settings.MigrateAsync(ct);
        await test.Database.ExecuteAsync("INSERT INTO table_schema_version (store, version, description) VALUES ('settings', 9, 'from the future')", ct);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => settings.MigrateAsync(ct));

        Assert.Equal("The settings tables have schema version 9, newer than this build understands (1): run a newer build against this database.", refused.Message);
    }

    [Fact]
    public async Task MigrationsOutOfOrder_AreAProgrammingErrorNamedAtStart()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TableMigrations.ApplyAsync(test.Database, "t",
            [new TableMigration(1, "a", _ => "SELECT 1"), new TableMigration(3, "c", _ => "SELECT 1")], TestContext.Current.CancellationToken));

        Assert.Contains("number 2 is 3", refused.Message);
    }
}

public sealed class SqliteTableMigrationsTests() : TableMigrationsTests(new SqliteTestDatabase());

public sealed class PostgresTableMigrationsTests() : TableMigrationsTests(new PostgresTestDatabase());
