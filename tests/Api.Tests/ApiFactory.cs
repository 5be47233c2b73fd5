using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Api.Tests;

/// <summary>The Api in-process on a database of its own (created on the given server) and a Redis key prefix of its own.</summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    private readonly string _postgres;
    private readonly string _redis;
    private readonly string _database = "x0api_" + Guid.NewGuid().ToString("N")[..12];

    private ApiFactory(string serverConnection, string redis)
    {
        _postgres = new NpgsqlConnectionStringBuilder(serverConnection) { Database = _database }.ConnectionString;
        _redis = redis;
        ServerConnection = serverConnection;
    }

    private string ServerConnection { get; }

    public static Task<ApiFactory> OnStackAsync() => CreateAsync(StackEnvironment.PostgresConnection, StackEnvironment.RedisConnection);

    public static async Task<ApiFactory> CreateAsync(string serverConnection, string redis)
    {
        var factory = new ApiFactory(serverConnection, redis);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(serverConnection) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {factory._database}", connection);
        await create.ExecuteNonQueryAsync();
        return factory;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Postgres", _postgres);
        builder.UseSetting("ConnectionStrings:Redis", _redis);
        builder.UseSetting("Cache:KeyPrefix", _database + ":");
    }

    /// <summary>A client whose first call waits for the schema migration.</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        await X0tta6bl4.Ops.Tests.Eventually.UntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == System.Net.HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the Api to be ready");
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ServerConnection) { Database = "postgres" }.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server may be one a fault test stopped; its data folder goes with it.
        }
    }
}
