using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace X0tta6bl4.Ops.ServiceDefaults;

/// <summary>
/// The one health body of every host: <c>{"status":"ready|degraded|down","checks":{"store":{"status":"healthy",
/// "description":"…","durationMs":3},…}}</c>. Descriptions are the checks' own fixed sentences; when a check threw or
/// timed out the framework puts the exception's message there (it can name hosts, paths or credentials), so that
/// is never written: "the check failed" or "timed out" instead.
/// </summary>
public static class HealthJson
{
    public static Task WriteAsync(HttpContext context, HealthReport report) =>
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
