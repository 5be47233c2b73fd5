using X0tta6bl4.Ops.Dashboard.Reports;
using Prometheus;
using X0tta6bl4.Ops.ServiceDefaults;
using X0tta6bl4.Ops.Dashboard.Components;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Dashboard.Auth;
using X0tta6bl4.Ops.Dashboard.LoadTests;
using X0tta6bl4.Ops.Dashboard.QueryApi;
using X0tta6bl4.Ops.Dashboard.RemoteWrite;

if (args.FirstOrDefault() == "hash-password")
{
    // dotnet run --project src/Dashboard -- hash-password   (reads the password from standard input)
    Console.Error.Write("Password: ");
    var password = Console.ReadLine();
    if (string.IsNullOrEmpty(password))
    {
        Console.Error.WriteLine("No password given.");
        return 2;
    }

    Console.WriteLine(X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Hash(password));
    return 0;
}

// A bad configuration is a message and exit code 2, never an unhandled exception (ConfigurationProblems).
return ConfigurationProblems.Run(() =>
{
    var builder = WebApplication.CreateBuilder(args);

    // Serve library assets (MudBlazor, Plotly) straight from the build output in every environment, so
    // `dotnet run` works in Production too; a published app has them in wwwroot and this does nothing.
    builder.WebHost.UseStaticWebAssets();
    builder.AddDashboard();

    var app = builder.Build();

    // The stores are opened at start by StoreStartup (a hosted service); the user directory is made now,
    // which prints a one-run admin password when no users are configured.
    app.Services.GetRequiredService<UserDirectory>();

    // Outside Development a failure answers without internals (DashboardExceptionHandler); HSTS goes out on HTTPS only.
    if (!app.Environment.IsDevelopment())
    {
        app.UseExceptionHandler();
        app.UseHsts();
    }

    app.UseSecurityHeaders();
    app.UseRouting();
    app.UseRequestTimeouts();

    // The Blazor hub is a long-lived connection, not a request; timing it would swamp the latency figures.
    app.UseWhen(c => !c.Request.Path.StartsWithSegments("/_blazor"), b => b.UseHttpMetrics());
    app.UseAuthentication();
    app.UseAuthorization();
    // After authentication: the query API's concurrency limits are per signed-in user.
    app.UseRateLimiter();
    app.UseAntiforgery();

    // Only the health endpoints are open to everyone (and /metrics, unless Auth:AnonymousMetrics is false).
    var (live, ready) = app.MapDefaultHealth();
    live.AllowAnonymous();
    ready.AllowAnonymous();
    var metrics = app.MapMetrics();
    if (!app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<X0tta6bl4.Ops.Dashboard.Auth.AuthOptions>>().Value.AnonymousMetrics)
    {
        metrics.RequireAuthorization();
    }

    app.MapAuthEndpoints();
    app.MapQueryApi();
    app.MapRemoteWrite();
    app.MapCapacityCsv();
    app.MapLoadExports();
    app.MapReportExports();
    app.MapStaticAssets().AllowAnonymous();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization();

    app.Run();
}, typeof(Program).Assembly);

public partial class Program;
