using System.Diagnostics;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>
/// What the tests that kill a store's writer share: a temporary folder for the SQLite file and a database of their
/// own on the stack's PostgreSQL, a way to open each store as often as a test asks (PostgreSQL ones disposed after
/// it), and tests/StoreWriter, the process they kill.
/// </summary>
public abstract class StoreKillTests(string folderPrefix) : IAsyncLifetime
{
    /// <summary>A test on one store: the provider and target StoreWriter takes, and a way to open the store.</summary>
    protected delegate Task StoreTest(string provider, string target, Func<Task<IMetricStore>> open);

    private readonly string _dir = Directory.CreateTempSubdirectory(folderPrefix).FullName;
    private readonly TemporaryDatabase _database = new();

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        await _database.DisposeAsync();
    }

    protected Task OnSqliteAsync(StoreTest test)
    {
        var path = Path.Combine(_dir, "metrics.db");
        return test("sqlite", path, async () => await SqliteMetricStore.OpenAsync(path, TestContext.Current.CancellationToken));
    }

    protected async Task OnPostgresAsync(StoreTest test)
    {
        var stores = new List<PostgresMetricStore>();
        try
        {
            await test("postgres", _database.ConnectionString, async () =>
            {
                var store = await PostgresMetricStore.OpenAsync(_database.ConnectionString, TestContext.Current.CancellationToken);
                stores.Add(store);
                return store;
            });
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    /// <summary>Starts tests/StoreWriter with <paramref name="arguments"/>, its output and errors read by the test.</summary>
    protected static Process StartStoreWriter(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "X0tta6bl4.Ops.StoreWriter.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
