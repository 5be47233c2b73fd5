using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Settings;

/// <summary>Settings people change on the pages (SLA targets, baselines, rules), as JSON by key, with who changed them.</summary>
public sealed class SqlSettingsStore(SqlDatabase database) : IStoreSchema
{
    private readonly SqlDatabase _database = database;

    public string Description => "the settings store";

    public static Task<SqlSettingsStore> OpenSqliteAsync(string path, CancellationToken ct = default) => OpenAsync(SqlDatabase.Sqlite(path), ct);

    public static async Task<SqlSettingsStore> OpenAsync(SqlDatabase database, CancellationToken ct = default)
    {
        var store = new SqlSettingsStore(database);
        await store.MigrateAsync(ct);
        return store;
    }

    public static IReadOnlyList<TableMigration> Migrations { get; } =
        [new(1, "settings", _ => "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_by TEXT NOT NULL, updated_ms BIGINT NOT NULL)")];

    public Task MigrateAsync(CancellationToken ct) => TableMigrations.ApplyAsync(_database, "settings", Migrations, ct);

    public async Task<(string Value, string UpdatedBy, long UpdatedMs)?> GetAsync(string key, CancellationToken ct = default)
    {
        await using var connection = await _database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, "SELECT value, updated_by, updated_ms FROM settings WHERE key = @key", ("key", key));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetString(1), reader.GetInt64(2)) : null;
    }

    public Task SetAsync(string key, string value, string updatedBy, long updatedMs, CancellationToken ct = default) =>
        _database.ExecuteAsync("""
            INSERT INTO settings (key, value, updated_by, updated_ms) VALUES (@key, @value, @by, @at)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_ms = excluded.updated_ms
            """, ct, ("key", key), ("value", value), ("by", updatedBy), ("at", updatedMs));
}
