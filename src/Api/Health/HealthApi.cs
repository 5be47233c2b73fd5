using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace X0tta6bl4.Ops.Api.Health;

/// <summary>
/// <c>/health</c>: liveness, no checks, 200 while the process answers (scripts/stack waits on it).
/// <c>/health/ready</c>: the checks tagged "ready" — 503 when PostgreSQL fails, 200 "degraded" when only Redis does.
/// </summary>
public static class HealthApi
{
    public const string ReadyTag = "ready";

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

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (context, _) => context.Response.WriteAsJsonAsync(new { status = "ok" }),
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = HealthJson.WriteReadinessAsync,
        });
        return app;
    }
}
