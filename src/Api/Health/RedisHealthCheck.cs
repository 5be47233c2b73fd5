using Microsoft.Extensions.Diagnostics.HealthChecks;
using X0tta6bl4.Ops.Api.Cache;

namespace X0tta6bl4.Ops.Api.Health;

/// <summary>
/// Redis only makes the Api faster (the cache falls back to PostgreSQL), so it is registered with
/// failure status Degraded: readiness stays 200 and says so.
/// </summary>
public sealed class RedisHealthCheck(RedisCache cache) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!cache.IsConfigured)
        {
            return HealthCheckResult.Healthy("not configured: every lookup goes to PostgreSQL");
        }

        return await cache.PingAsync()
            ? HealthCheckResult.Healthy("Redis answers PING")
            : new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer PING; lookups go to PostgreSQL");
    }
}
