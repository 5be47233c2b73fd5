using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>
/// The store's database (SQLite file or PostgreSQL) for the ordinary tables beside the samples — alerts,
/// settings: a connection per call and "@name" parameters, which both providers accept.
/// </summary>
public sealed class SqlDatabase(Func<DbConnection> connect, bool postgres)
{
    public bool IsPostgres { get; } = postgres;

    public static SqlDatabase Sqlite(string path)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        return new(() => new SqliteConnection(connectionString), postgres: false);
    }

    public static SqlDatabase Postgres(string connectionString) => new(() => new NpgsqlConnection(connectionString), postgres: true);

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = connect();
        await connection.OpenAsync(ct);
        return connection;
    }

    /// <summary>For a caller whose contract is synchronous (ASP.NET Core's key repository): blocks, never waits on a task.</summary>
    public DbConnection Open()
    {
        var connection = connect();
        connection.Open();
        return connection;
    }

    public async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
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
