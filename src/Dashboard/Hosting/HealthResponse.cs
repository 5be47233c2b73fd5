using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace X0tta6bl4.Ops.Dashboard.Hosting;

/// <summary>/health/ready's body: the overall status and each check's, with no exception text (it can name hosts or paths).</summary>
public static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}
