using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using X0tta6bl4.Ops.Collector;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Hosting;

public static class DashboardServiceCollectionExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetricStore(builder.Configuration, builder.Environment.ContentRootPath);
        services.TryAddSingleton<ISelfAddress, SelfAddress>();
        services.AddCollector(builder.Configuration);
        services.AddDashboardModels(builder.Configuration);
        services.AddDashboardAuth(builder.Configuration);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return builder;
    }

    /// <summary>The view-model queries the pages use, over whatever store and boards are registered.</summary>
    public static IServiceCollection AddDashboardModels(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<SeriesReader>();
        services.TryAddSingleton<OverviewQuery>();
        services.TryAddSingleton<ApiQuery>();
        services.TryAddSingleton<DatabaseQuery>();
        services.TryAddSingleton<CacheQuery>();
        services.TryAddSingleton<ResourcesQuery>();
        services.TryAddSingleton<TargetsQuery>();
        services.TryAddSingleton<CapacityQuery>();
        services.TryAddSingleton<SlaQuery>();
        services.TryAddSingleton<AlertsQuery>();
        // The rules as the collector evaluates them (with the Alerts:Rules overrides), for their names on the review page.
        services.TryAddSingleton<IReadOnlyList<X0tta6bl4.Ops.Collector.Alerts.AlertRule>>(sp =>
            sp.GetService<Microsoft.Extensions.Options.IOptions<X0tta6bl4.Ops.Collector.Alerts.AlertOptions>>()?.Value.Apply(X0tta6bl4.Ops.Collector.Alerts.AlertRule.Defaults)
            ?? X0tta6bl4.Ops.Collector.Alerts.AlertRule.Defaults);
        services.AddOptions<SlaOptions>().Bind(configuration.GetSection(SlaOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<SlaOptions>, SlaOptionsValidator>());
        services.AddOptions<ResourceOptions>().Bind(configuration.GetSection(ResourceOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<ResourceOptions>, ResourceOptionsValidator>());
        return services;
    }
}
