using Npgsql;

namespace X0tta6bl4.Ops.Tests;

/// <summary>A database of its own on the stack's PostgreSQL, dropped afterwards.</summary>
public sealed class TemporaryDatabase : IAsyncDisposable
{
    private readonly string _name = "x0store_" + Guid.NewGuid().ToString("N")[..12];

    public string ConnectionString => new NpgsqlConnectionStringBuilder(StackEnvironment.PostgresConnection) { Database = _name }.ConnectionString;

    private static string Server => new NpgsqlConnectionStringBuilder(StackEnvironment.PostgresConnection) { Database = "postgres" }.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", connection);
        await create.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
