using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Collector;

/// <summary>
/// The collector as a worker of its own, with the same configuration keys as when the dashboard
/// hosts it. A named, internal entry point: the dashboard references this assembly and has its own Program.
/// </summary>
internal static class Program
{
    private static void Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        // No appsettings.json of its own: the dashboard, which references this assembly, publishes its own.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Services.AddMetricStore(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddCollector(builder.Configuration);
        builder.Build().Run();
    }
}
