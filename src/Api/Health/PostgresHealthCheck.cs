using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using X0tta6bl4.Ops.Api.Data;

namespace X0tta6bl4.Ops.Api.Health;

/// <summary>
/// PostgreSQL is required: every request needs it, so it answering SELECT 1 on the Api's own pool, with
/// the schema migrated, is what "ready" means. The result never carries the exception: its text can
/// name hosts and databases, and readiness is public.
/// </summary>
public sealed class PostgresHealthCheck(Database database, SchemaMigrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.RunAsync("health", async c =>
            {
                await using var command = new NpgsqlCommand("SELECT 1", c);
                return await command.ExecuteScalarAsync(cancellationToken);
            }, cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL does not answer");
        }

        return migrator.IsReady
            ? HealthCheckResult.Healthy("PostgreSQL answers; schema current")
            : new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL answers; schema migration not finished");
    }
}
