using Prometheus;
using X0tta6bl4.Ops.Api;
using X0tta6bl4.Ops.Api.Apis;
using X0tta6bl4.Ops.Api.Telemetry;
using X0tta6bl4.Ops.ServiceDefaults;

// A bad configuration is a message and exit code 2, never an unhandled exception (ConfigurationProblems).
return ConfigurationProblems.Run(() =>
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddServiceDefaults();
    builder.AddMeshApi();

    var app = builder.Build();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseRouting();
    app.UseRequestMetrics();
    app.MapDefaultHealth();
    app.MapStatusApi();
    app.MapMeshesApi();
    app.MapNodesApi();
    app.MapMetrics();
    app.Run();
}, typeof(Program).Assembly);

public partial class Program;
