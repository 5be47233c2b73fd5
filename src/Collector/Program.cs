using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.ServiceDefaults;

namespace X0tta6bl4.Ops.Collector;

/// <summary>
/// The collector as a host of its own, with the same configuration keys as when the dashboard hosts it, and a small web
/// server for its probes and counters: <c>/health</c> (its lease loop runs), <c>/health/ready</c> (its store answers
/// and takes its heartbeat) and <c>/metrics</c> (x0tta6bl4_ops_collector_*). It listens where <c>Urls</c> says
/// (environment ASPNETCORE_URLS); unset, on a free loopback port, so two collectors on one machine never clash. A named,
/// internal entry point: the dashboard references this assembly and has its own Program.
/// </summary>
internal static class Program
{
    public const string DefaultUrls = "http://127.0.0.1:0";

    private static int Main(string[] args) => ConfigurationProblems.Run(() =>
    {
        var builder = WebApplication.CreateBuilder(args);
        // No appsettings.json of its own: the dashboard, which references this assembly, publishes its own.
        if (string.IsNullOrEmpty(builder.Configuration["Urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        builder.AddServiceDefaults();
        // Each poll's HttpClient request at Information is noise; failures are logged once, with their reason, by the
        // collector. (The dashboard keeps them: they show which headers went out, values redacted.)
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.AddMetricStore(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddCollector(builder.Configuration);
        builder.Services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [ServiceDefaultsExtensions.ReadyTag])
            .Add(new HealthCheckRegistration("leases", sp => new LeaseHealthCheck(sp.GetRequiredService<LeaseKeeper>(), sp.GetRequiredService<TimeProvider>(), readiness: true),
                null, [ServiceDefaultsExtensions.ReadyTag]))
            .Add(new HealthCheckRegistration("lease-loop", sp => new LeaseHealthCheck(sp.GetRequiredService<LeaseKeeper>(), sp.GetRequiredService<TimeProvider>(), readiness: false),
                null, [ServiceDefaultsExtensions.LiveTag]));

        var app = builder.Build();
        app.UseRouting();
        app.MapDefaultHealth();
        app.MapMetrics();
        app.Run();
    }, typeof(Program).Assembly);
}
