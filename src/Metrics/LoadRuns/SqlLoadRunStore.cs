using System.Data.Common;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.LoadRuns;

/// <summary>
/// Load runs in the store's database: one row per run and one per second of it, written by the dashboard
/// process that runs it and read by every dashboard (live progress, the list, comparisons, capacity).
/// </summary>
public sealed class SqlLoadRunStore(SqlDatabase database) : IStoreSchema
{
    public string Description => "the load-run tables";

    public static IReadOnlyList<TableMigration> Migrations { get; } =
    [
        new(1, "load_runs, load_run_seconds", postgres => $"""
            CREATE TABLE IF NOT EXISTS load_runs (
                {TableMigrations.IdColumn(postgres)},
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                ended_ms BIGINT,
                started_by TEXT NOT NULL,
                runner TEXT NOT NULL,
                heartbeat_ms BIGINT NOT NULL,
                stop_requested INTEGER NOT NULL DEFAULT 0,
                plan_json TEXT NOT NULL,
                progress_json TEXT,
                result_json TEXT,
                summary_json TEXT,
                capacity_rps DOUBLE PRECISION,
                error TEXT
            );
            CREATE INDEX IF NOT EXISTS load_runs_started ON load_runs (started_ms);
            CREATE TABLE IF NOT EXISTS load_run_seconds (
                run_id BIGINT NOT NULL,
                second INTEGER NOT NULL,
                snapshot_json TEXT NOT NULL,
                PRIMARY KEY (run_id, second)
            );
            """),
    ];

    public Task MigrateAsync(CancellationToken ct) => TableMigrations.ApplyAsync(database, "load_runs", Migrations, ct);

    /// <summary>
    /// Starts a run's row and returns its id, unless <paramref name="maxRunning"/> runs are running already (then
    /// null): the check and the insert are one statement, so two dashboards starting at once cannot both pass.
    /// </summary>
    public async Task<long?> StartAsync(string name, string kind, string planJson, string startedBy, string runner, long atMs, int maxRunning, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, """
            INSERT INTO load_runs (name, kind, status, started_ms, started_by, runner, heartbeat_ms, plan_json)
            SELECT @name, @kind, 'Running', @at, @by, @runner, @at, @plan
            WHERE (SELECT count(*) FROM load_runs WHERE status = 'Running') < @max
            RETURNING id
            """, ("name", name), ("kind", kind), ("at", atMs), ("by", startedBy), ("runner", runner), ("plan", planJson), ("max", maxRunning));
        return await command.ExecuteScalarAsync(ct) is { } id ? Convert.ToInt64(id) : null;
    }

    /// <summary>One second: its snapshot, and the run's progress and heartbeat. Returns whether someone asked the run to stop.</summary>
    public async Task<bool> RecordSecondAsync(long runId, int second, string snapshotJson, string progressJson, long atMs, CancellationToken ct)
    {
        var insert = database.IsPostgres
            ? "INSERT INTO load_run_seconds (run_id, second, snapshot_json) VALUES (@run, @second, @snapshot) ON CONFLICT (run_id, second) DO UPDATE SET snapshot_json = excluded.snapshot_json"
            : "INSERT OR REPLACE INTO load_run_seconds (run_id, second, snapshot_json) VALUES (@run, @second, @snapshot)";
        await database.ExecuteAsync(insert, ct, ("run", runId), ("second", second), ("snapshot", snapshotJson));
        return await HeartbeatAsync(runId, progressJson, atMs, ct);
    }

    /// <summary>Progress and heartbeat without a new second (set-up, the last second). Returns whether a stop was asked for.</summary>
    public async Task<bool> HeartbeatAsync(long runId, string? progressJson, long atMs, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection,
            "UPDATE load_runs SET progress_json = COALESCE(@progress, progress_json), heartbeat_ms = @at WHERE id = @id RETURNING stop_requested",
            ("id", runId), ("progress", (object?)progressJson ?? DBNull.Value), ("at", atMs));
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct) ?? 0L) != 0;
    }

    /// <param name="resultJson">The whole result (every second's histograms): read for one run.</param>
    /// <param name="summaryJson">The same without the seconds: read for lists.</param>
    public Task FinishAsync(long runId, LoadRunStatus status, string? resultJson, string? summaryJson, double? capacityRps, string? error, long atMs, CancellationToken ct) =>
        database.ExecuteAsync("""
            UPDATE load_runs SET status = @status, ended_ms = @at, heartbeat_ms = @at, result_json = @result, summary_json = @summary, capacity_rps = @capacity, error = @error
            WHERE id = @id
            """, ct, ("id", runId), ("status", status.ToString()), ("at", atMs), ("result", (object?)resultJson ?? DBNull.Value),
            ("summary", (object?)summaryJson ?? DBNull.Value),
            ("capacity", (object?)capacityRps ?? DBNull.Value), ("error", (object?)error ?? DBNull.Value));

    /// <summary>Asks a running run to stop; its runner sees it within a second. False when it is not running.</summary>
    public async Task<bool> RequestStopAsync(long runId, CancellationToken ct) =>
        await database.ExecuteAsync("UPDATE load_runs SET stop_requested = 1 WHERE id = @id AND status = 'Running'", ct, ("id", runId)) == 1;

    /// <summary>
    /// Marks runs whose runner stopped writing (the process died) as failed, so they neither show as running
    /// for ever nor block the next run.
    /// </summary>
    public Task<int> FailAbandonedAsync(long heartbeatBeforeMs, long atMs, CancellationToken ct) =>
        database.ExecuteAsync("""
            UPDATE load_runs SET status = 'Failed', ended_ms = @at, error = 'Its runner stopped reporting (the dashboard process ended during the run).'
            WHERE status = 'Running' AND heartbeat_ms < @before
            """, ct, ("before", heartbeatBeforeMs), ("at", atMs));

    private const string Columns = "id, name, kind, status, started_ms, ended_ms, started_by, runner, heartbeat_ms, stop_requested, plan_json, progress_json, result_json, capacity_rps, error, summary_json";

    public async Task<LoadRunRecord?> GetAsync(long runId, CancellationToken ct) =>
        (await QueryAsync($"SELECT {Columns} FROM load_runs WHERE id = @id", ct, ("id", runId))).SingleOrDefault();

    /// <summary>The newest runs first, without their result documents (a list needs the summary only: see <see cref="GetAsync"/>).</summary>
    public Task<IReadOnlyList<LoadRunRecord>> ListAsync(int limit, CancellationToken ct) =>
        QueryAsync($"SELECT {Columns.Replace("result_json", "NULL")} FROM load_runs ORDER BY started_ms DESC, id DESC LIMIT @limit", ct, ("limit", limit));

    public Task<IReadOnlyList<LoadRunRecord>> RunningAsync(CancellationToken ct) =>
        QueryAsync($"SELECT {Columns} FROM load_runs WHERE status = 'Running' ORDER BY started_ms", ct);

    /// <summary>The newest finished capacity search that found a sustained rate, or null.</summary>
    public async Task<LoadRunRecord?> NewestCapacityAsync(CancellationToken ct) =>
        (await QueryAsync($"SELECT {Columns} FROM load_runs WHERE kind = 'capacity' AND capacity_rps IS NOT NULL ORDER BY ended_ms DESC LIMIT 1", ct)).SingleOrDefault();

    public async Task<IReadOnlyList<LoadRunSecond>> SecondsAsync(long runId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, "SELECT run_id, second, snapshot_json FROM load_run_seconds WHERE run_id = @id ORDER BY second", ("id", runId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var seconds = new List<LoadRunSecond>();
        while (await reader.ReadAsync(ct))
        {
            seconds.Add(new LoadRunSecond(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2)));
        }

        return seconds;
    }

    private async Task<IReadOnlyList<LoadRunRecord>> QueryAsync(string sql, CancellationToken ct, params (string, object)[] parameters)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var runs = new List<LoadRunRecord>();
        while (await reader.ReadAsync(ct))
        {
            runs.Add(Read(reader));
        }

        return runs;
    }

    private static LoadRunRecord Read(DbDataReader r)
    {
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new LoadRunRecord(r.GetInt64(0), r.GetString(1), r.GetString(2), Enum.Parse<LoadRunStatus>(r.GetString(3)), r.GetInt64(4),
            r.IsDBNull(5) ? null : r.GetInt64(5), r.GetString(6), r.GetString(7), r.GetInt64(8), Convert.ToInt64(r.GetValue(9)) != 0,
            r.GetString(10), S(11), S(12), r.IsDBNull(13) ? null : r.GetDouble(13), S(14)) { SummaryJson = S(15) };
    }
}
