using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace X0tta6bl4.Ops.Api.Health;

/// <summary>
/// The readiness body: <c>{"status":"ready|degraded|down","checks":{"postgres":{"status":"healthy",
/// "description":"…","durationMs":3},…}}</c>. Descriptions are the checks' own fixed sentences; when a
/// check threw or timed out the framework puts the exception's message there, so that is never written.
/// </summary>
public static class HealthJson
{
    public static Task WriteReadinessAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status switch
            {
                HealthStatus.Healthy => "ready",
                HealthStatus.Degraded => "degraded",
                _ => "down",
            },
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString().ToLowerInvariant(),
                description = e.Value.Exception switch
                {
                    null => e.Value.Description,
                    OperationCanceledException => "timed out",
                    _ => "the check failed",
                },
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        });
}
