using Microsoft.Extensions.Diagnostics.HealthChecks;
using X0tta6bl4.Ops.ServiceDefaults;

namespace X0tta6bl4.Ops.Api.Health;

/// <summary>
/// The Api's readiness checks (served by the service defaults' <c>/health/ready</c>): 503 when PostgreSQL fails, 200
/// "degraded" when only Redis does. <c>/health</c> has no checks: 200 while the process answers (scripts/stack waits on it).
/// </summary>
public static class HealthApi
{
    public const string ReadyTag = ServiceDefaultsExtensions.ReadyTag;

    // Longer than PostgreSQL's 5 s connect timeout would be pointless for a probe; Redis's commands time out after 1 s.
    private static readonly TimeSpan PostgresTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddApiHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", HealthStatus.Unhealthy, [ReadyTag], PostgresTimeout)
            .AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [ReadyTag], RedisTimeout);
        return services;
    }
}
