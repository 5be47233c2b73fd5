using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace X0tta6bl4.Ops.ServiceDefaults;

/// <summary>
/// What the Api, the dashboard and the standalone collector share (eShop's ServiceDefaults is the model): one health
/// shape, the same probe endpoints and the same start-up logging. Each host adds its own checks with the tags below.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Checks that say the process is stuck (a restart helps): <c>/health</c>.</summary>
    public const string LiveTag = "live";

    /// <summary>Checks that say whether the host can do its work now (its store, its dependencies): <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks();
        // A host that fails to start says why in ConfigurationProblems; the host's own log of it is the same with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: liveness — 200 <c>{"status":"ok"}</c> while the process answers and its live checks pass (503 with
    /// the checks when one fails); <c>/health/ready</c>: the ready checks in <see cref="HealthJson"/>'s shape, 503 when down.
    /// Both open to everyone (probes carry no credentials).
    /// </summary>
    public static (IEndpointConventionBuilder Live, IEndpointConventionBuilder Ready) MapDefaultHealth(this IEndpointRouteBuilder app)
    {
        var live = app.MapHealthChecks("/health", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(LiveTag),
            ResponseWriter = (context, report) => report.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                ? context.Response.WriteAsJsonAsync(new { status = "ok" })
                : HealthJson.WriteAsync(context, report),
        });
        var ready = app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = HealthJson.WriteAsync,
        });
        return (live, ready);
    }
}
