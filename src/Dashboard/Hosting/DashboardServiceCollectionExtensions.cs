using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using X0tta6bl4.Ops.Collector;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Dashboard.LoadTests;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Dashboard.Model.Changes;
using X0tta6bl4.Ops.Dashboard.QueryApi;
using X0tta6bl4.Ops.Dashboard.RemoteWrite;
using X0tta6bl4.Ops.Dashboard.Reports;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.ServiceDefaults;

namespace X0tta6bl4.Ops.Dashboard.Hosting;

public static class DashboardServiceCollectionExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetricStore(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: [ReadyTag]);
        services.TryAddSingleton<ISelfAddress, SelfAddress>();
        services.AddCollector(builder.Configuration);
        services.AddDashboardModels(builder.Configuration);
        services.AddLoadTests(builder.Configuration);
        services.AddReports(builder.Configuration);
        services.AddDashboardAuth(builder.Configuration);
        services.AddQueryApiLimits(builder.Configuration);
        services.AddRemoteWrite(builder.Configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<DashboardExceptionHandler>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return builder;
    }

    /// <summary>Health checks that /health/ready runs (the store); /health runs none (the process is up).</summary>
    public const string ReadyTag = ServiceDefaultsExtensions.ReadyTag;

    /// <summary>
    /// The view-model queries the pages read through and the change services they write through, over the
    /// store only: a dashboard with no collector inside shows the same pages.
    /// </summary>
    public static IServiceCollection AddDashboardModels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOperatorSettings(configuration);
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
        services.TryAddSingleton<AlertChanges>();
        services.TryAddSingleton<SilenceChanges>();
        services.TryAddSingleton<SlaChanges>();
        services.TryAddSingleton<RuleChanges>();
        services.TryAddSingleton<LoadChanges>();
        services.TryAddSingleton<Model.LoadTests.LoadRunsQuery>();
        services.AddOptions<ResourceOptions>().Bind(configuration.GetSection(ResourceOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<ResourceOptions>, ResourceOptionsValidator>());
        return services;
    }
}
