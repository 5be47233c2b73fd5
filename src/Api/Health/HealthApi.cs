using X0tta6bl4.Ops.Api.Cache;
using X0tta6bl4.Ops.Api.Data;

namespace X0tta6bl4.Ops.Api.Health;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        // Liveness: the process answers.
        app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));

        // Readiness: PostgreSQL is required (503 without it); Redis only makes us faster (degraded without it).
        app.MapGet("/health/ready", async (Database database, SchemaMigrator migrator, RedisCache cache, CancellationToken ct) =>
        {
            var postgres = await CheckPostgresAsync(database, migrator, ct);
            var redis = cache.IsConfigured ? (await cache.PingAsync() ? "up" : "down") : "not configured";
            var status = postgres != "up" ? "down" : redis == "up" ? "ready" : "degraded";
            var body = new { status, postgres, redis };
            return status == "down" ? Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable) : Results.Ok(body);
        });
        return app;
    }

    private static async Task<string> CheckPostgresAsync(Database database, SchemaMigrator migrator, CancellationToken ct)
    {
        try
        {
            await database.RunAsync("health", async c =>
            {
                await using var command = new Npgsql.NpgsqlCommand("SELECT 1", c);
                return await command.ExecuteScalarAsync(ct);
            }, ct);
            return migrator.IsReady ? "up" : "migrating";
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            return "down";
        }
    }
}
