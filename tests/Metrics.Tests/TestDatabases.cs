using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>A store database of a test's own, on either provider, for the tables beside the samples.</summary>
public interface ITestDatabase : IAsyncDisposable
{
    SqlDatabase Database { get; }

    ValueTask InitializeAsync();
}

/// <summary>A SQLite file in a temp folder, deleted afterwards.</summary>
public sealed class SqliteTestDatabase : ITestDatabase
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-tables-").FullName;

    public SqlDatabase Database => SqlDatabase.Sqlite(Path.Combine(_dir, "metrics.db"));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>A database of its own on the stack's PostgreSQL, dropped afterwards.</summary>
public sealed class PostgresTestDatabase : ITestDatabase
{
    private readonly TemporaryDatabase _database = new();

    public SqlDatabase Database => SqlDatabase.Postgres(_database.ConnectionString);

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
