using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>/health/ready: can the store's database be reached right now (a connection and SELECT 1)?</summary>
public sealed class StoreHealthCheck(SqlDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = SqlDatabase.Command(connection, "SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("The store answers.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The type only: a provider's message can hold a host name or a path.
            return HealthCheckResult.Unhealthy($"The store cannot be reached ({e.GetType().Name}).");
        }
    }
}
