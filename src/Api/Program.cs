using Prometheus;
using X0tta6bl4.Ops.Api;
using X0tta6bl4.Ops.Api.Apis;
using X0tta6bl4.Ops.Api.Health;
using X0tta6bl4.Ops.Api.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddMeshApi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseRequestMetrics();
app.MapHealthApi();
app.MapStatusApi();
app.MapMeshesApi();
app.MapNodesApi();
app.MapMetrics();
app.Run();

public partial class Program;
