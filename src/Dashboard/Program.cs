using Prometheus;
using X0tta6bl4.Ops.Dashboard.Components;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Dashboard.QueryApi;
using X0tta6bl4.Ops.Metrics.Store;

var builder = WebApplication.CreateBuilder(args);

// Serve library assets (MudBlazor, Plotly) straight from the build output in every environment, so
// `dotnet run` works in Production too; a published app has them in wwwroot and this does nothing.
builder.WebHost.UseStaticWebAssets();
builder.AddDashboard();

var app = builder.Build();

// Open the store now, so a bad path fails at start with its reason rather than on the first page.
app.Services.GetRequiredService<IMetricStore>();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseRouting();

// The Blazor hub is a long-lived connection, not a request; timing it would swamp the latency figures.
app.UseWhen(c => !c.Request.Path.StartsWithSegments("/_blazor"), b => b.UseHttpMetrics());
app.UseAntiforgery();

app.MapGet("/health", () => TypedResults.Ok(new { status = "ok" }));
app.MapMetrics();
app.MapQueryApi();
app.MapCapacityCsv();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

public partial class Program;
