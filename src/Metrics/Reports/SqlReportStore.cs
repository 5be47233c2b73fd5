using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Reports;

/// <summary>A report an operator kept: its figures frozen as JSON, with the window and link it was built from.</summary>
public sealed record SavedReport(long Id, string Name, long WindowFromMs, long WindowToMs, string Query, string SavedBy, long SavedMs, string? ModelJson);

/// <summary>Kept reports in the store's database (SQLite or PostgreSQL), read by every dashboard.</summary>
public sealed class SqlReportStore(SqlDatabase database) : IStoreSchema
{
    public string Description => "the saved-report table";

    public static IReadOnlyList<TableMigration> Migrations { get; } =
    [
        new(1, "saved_reports", postgres => $"""
            CREATE TABLE IF NOT EXISTS saved_reports (
                {TableMigrations.IdColumn(postgres)},
                name TEXT NOT NULL,
                window_from_ms BIGINT NOT NULL,
                window_to_ms BIGINT NOT NULL,
                query TEXT NOT NULL,
                saved_by TEXT NOT NULL,
                saved_ms BIGINT NOT NULL,
                model_json TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS saved_reports_saved ON saved_reports (saved_ms);
            """),
    ];

    public Task MigrateAsync(CancellationToken ct) => TableMigrations.ApplyAsync(database, "saved_reports", Migrations, ct);

    public async Task<long> SaveAsync(string name, long fromMs, long toMs, string query, string by, long atMs, string modelJson, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, """
            INSERT INTO saved_reports (name, window_from_ms, window_to_ms, query, saved_by, saved_ms, model_json)
            VALUES (@name, @from, @to, @query, @by, @at, @model) RETURNING id
            """, ("name", name), ("from", fromMs), ("to", toMs), ("query", query), ("by", by), ("at", atMs), ("model", modelJson));
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }

    /// <summary>The newest first, without their figures.</summary>
    public Task<IReadOnlyList<SavedReport>> ListAsync(int limit, CancellationToken ct) =>
        QueryAsync("SELECT id, name, window_from_ms, window_to_ms, query, saved_by, saved_ms, NULL FROM saved_reports ORDER BY saved_ms DESC, id DESC LIMIT @limit", ct, ("limit", limit));

    public async Task<SavedReport?> GetAsync(long id, CancellationToken ct) =>
        (await QueryAsync("SELECT id, name, window_from_ms, window_to_ms, query, saved_by, saved_ms, model_json FROM saved_reports WHERE id = @id", ct, ("id", id))).SingleOrDefault();

    public async Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        await database.ExecuteAsync("DELETE FROM saved_reports WHERE id = @id", ct, ("id", id)) == 1;

    /// <summary>When the newest report saved by <paramref name="by"/> was saved (the schedule's memory across restarts).</summary>
    public async Task<long?> NewestSavedByAsync(string by, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, "SELECT max(saved_ms) FROM saved_reports WHERE saved_by = @by", ("by", by));
        return await command.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v) : null;
    }

    private async Task<IReadOnlyList<SavedReport>> QueryAsync(string sql, CancellationToken ct, params (string, object)[] parameters)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<SavedReport>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(new SavedReport(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return list;
    }
}
