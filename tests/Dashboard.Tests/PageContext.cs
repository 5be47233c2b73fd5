using Microsoft.Extensions.Configuration;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Dashboard.LoadTests;
using X0tta6bl4.Ops.Dashboard.Reports;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>A bUnit context wired like the dashboard, over a real SQLite store with known contents and a fixed clock.</summary>
public sealed class PageContext : IAsyncDisposable
{
    private readonly BunitContext _context = new();

    private PageContext(StoreFixture fixture, string role, string? alertmanagerUrl)
    {
        Fixture = fixture;
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.AddAuthorization().SetAuthorized("bo").SetRoles(role);
        var services = _context.Services;
        services.AddMudServices();
        services.AddSingleton<TimeProvider>(fixture.Time);
        services.AddSingleton<X0tta6bl4.Ops.Metrics.Store.IMetricStore>(fixture.Store);
        services.AddSingleton(fixture.Alerts);
        services.AddSingleton(fixture.Deliveries);
        services.AddSingleton(fixture.Settings);
        services.AddSingleton(fixture.State);
        services.AddSingleton(fixture.LoadRuns);
        // No Alertmanager unless a test names one: a page test never reaches for the stack's default port.
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Alerts:Alertmanagers:0:Url"] = alertmanagerUrl ?? "" }).Build();
        services.AddLogging();
        services.AddDashboardModels(configuration);
        services.AddLoadTests(configuration);
        services.AddSingleton(new X0tta6bl4.Ops.Metrics.Reports.SqlReportStore(X0tta6bl4.Ops.Metrics.Store.SqlDatabase.Sqlite(fixture.StorePath)));
        services.AddReports(configuration);
        // The load targets read the collector's source options (the scrape targets' hosts).
        services.AddOptions<X0tta6bl4.Ops.Collector.Configuration.SourcesOptions>();
        services.AddHttpClient();
        services.AddSingleton<X0tta6bl4.Ops.Collector.Alerts.Delivery.AlertmanagerApi>();
        _context.Render<MudPopoverProvider>();
    }

    public StoreFixture Fixture { get; }

    public static async Task<PageContext> CreateAsync(Func<StoreFixture, Task>? arrange = null, string role = "operator", string? alertmanagerUrl = null)
    {
        var fixture = await StoreFixture.CreateAsync();
        await new X0tta6bl4.Ops.Metrics.Reports.SqlReportStore(X0tta6bl4.Ops.Metrics.Store.SqlDatabase.Sqlite(fixture.StorePath)).MigrateAsync(CancellationToken.None);
        if (arrange is not null)
        {
            await arrange(fixture);
        }

        return new PageContext(fixture, role, alertmanagerUrl);
    }

    public IRenderedComponent<TPage> Render<TPage>(string? query = null) where TPage : IComponent
    {
        if (query is not null)
        {
            _context.Services.GetRequiredService<NavigationManager>().NavigateTo("/?" + query);
        }

        return _context.Render<TPage>();
    }

    public IRenderedComponent<TPage> Render<TPage>(Action<ComponentParameterCollectionBuilder<TPage>> parameters) where TPage : IComponent =>
        _context.Render<TPage>(parameters);

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await Fixture.DisposeAsync();
    }
}
