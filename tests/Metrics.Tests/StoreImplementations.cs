using Npgsql;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Metrics.Tests;

public sealed class SqliteStoreConformanceTests : MetricStoreConformanceTests
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-store-").FullName;

    protected override async Task<IMetricStore> OpenAsync() => await SqliteMetricStore.OpenAsync(Path.Combine(_dir, "metrics.db"));

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Against the stack's real PostgreSQL, in a database of the test's own.</summary>
public sealed class PostgresStoreConformanceTests : MetricStoreConformanceTests
{
    private readonly TemporaryDatabase _database = new();
    private readonly List<PostgresMetricStore> _opened = [];

    public override ValueTask InitializeAsync() => _database.InitializeAsync();

    protected override async Task<IMetricStore> OpenAsync()
    {
        var store = await PostgresMetricStore.OpenAsync(_database.ConnectionString);
        _opened.Add(store);
        return store;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await _database.DisposeAsync();
    }
}
