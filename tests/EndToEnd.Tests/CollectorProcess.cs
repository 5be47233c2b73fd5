using Npgsql;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>The standalone collector (dotnet run --project src/Collector) on a PostgreSQL store, named so the lease table tells instances apart.</summary>
public sealed class CollectorProcess : IAsyncDisposable
{
    private readonly DotnetProcess _process;

    private CollectorProcess(DotnetProcess process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public string Output => _process.Output;

    /// <summary>Starts it and waits until it has reported itself in the store's instance table.</summary>
    public static async Task<CollectorProcess> StartAsync(string name, string storeConnection, IDictionary<string, string> settings, CancellationToken ct)
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Store__Provider"] = "Postgres",
            ["Store__Postgres__Connection"] = storeConnection,
            ["Collector__InstanceName"] = name,
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var collector = new CollectorProcess(DotnetProcess.Start("src/Collector", environment), name);
        try
        {
            await Eventually.UntilAsync(async () => collector._process.HasExited || await HeardFromAsync(storeConnection, name, ct), TimeSpan.FromSeconds(60),
                $"collector {name} to report itself", ct);
        }
        catch (TimeoutException e)
        {
            await collector.DisposeAsync();
            throw new TimeoutException($"{e.Message}\n{collector.Output}");
        }

        if (collector._process.HasExited)
        {
            throw new InvalidOperationException($"Collector {name} exited with {collector._process.ExitCode}:\n{collector.Output}");
        }

        return collector;
    }

    private static async Task<bool> HeardFromAsync(string connection, string name, CancellationToken ct)
    {
        try
        {
            await using var db = new NpgsqlConnection(connection);
            await db.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM collector_instances WHERE name = @name", db);
            command.Parameters.AddWithValue("name", name);
            return (long)(await command.ExecuteScalarAsync(ct))! > 0;
        }
        catch (PostgresException)
        {
            return false; // the tables are not there yet
        }
    }

    /// <summary>A crash: SIGKILL, no shutdown, leases left to run out.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
