using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace X0tta6bl4.Ops.Metrics.Settings;

/// <summary>Settings people change on the pages (SLA targets, baselines), as JSON by key, with who changed them.</summary>
public sealed class SqlSettingsStore
{
    private readonly Func<DbConnection> _connect;

    private SqlSettingsStore(Func<DbConnection> connect) => _connect = connect;

    public static Task<SqlSettingsStore> OpenSqliteAsync(string path, CancellationToken ct = default) =>
        OpenAsync(() => new SqliteConnection($"Data Source={path};Pooling=True;Default Timeout=30"), ct);

    public static Task<SqlSettingsStore> OpenPostgresAsync(string connectionString, CancellationToken ct = default) =>
        OpenAsync(() => new NpgsqlConnection(connectionString), ct);

    private static async Task<SqlSettingsStore> OpenAsync(Func<DbConnection> connect, CancellationToken ct)
    {
        var store = new SqlSettingsStore(connect);
        await store.RunAsync("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_by TEXT NOT NULL, updated_ms BIGINT NOT NULL)", ct);
        return store;
    }

    public async Task<(string Value, string UpdatedBy, long UpdatedMs)?> GetAsync(string key, CancellationToken ct = default)
    {
        await using var connection = _connect();
        await connection.OpenAsync(ct);
        await using var command = Command(connection, "SELECT value, updated_by, updated_ms FROM settings WHERE key = @key", ("key", key));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetString(1), reader.GetInt64(2)) : null;
    }

    public Task SetAsync(string key, string value, string updatedBy, long updatedMs, CancellationToken ct = default) =>
        RunAsync("""
            INSERT INTO settings (key, value, updated_by, updated_ms) VALUES (@key, @value, @by, @at)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_ms = excluded.updated_ms
            """, ct, ("key", key), ("value", value), ("by", updatedBy), ("at", updatedMs));

    private async Task RunAsync(string sql, CancellationToken ct, params (string, object)[] parameters)
    {
        await using var connection = _connect();
        await connection.OpenAsync(ct);
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
