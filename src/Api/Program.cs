using Prometheus;
using X0tta6bl4.Ops.Api.Apis;
using X0tta6bl4.Ops.Api.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseRouting();
app.UseRequestMetrics();
app.MapStatusApi();
app.MapMetrics();
app.Run();

public partial class Program;
