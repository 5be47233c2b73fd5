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
        services.AddSingleton<SeriesReader>();
        services.AddSingleton<OverviewQuery>();
        services.AddSingleton<ApiQuery>();
        services.AddSingleton<DatabaseQuery>();
        services.AddSingleton<CacheQuery>();
        services.AddSingleton<ResourcesQuery>();
        services.AddSingleton<TargetsQuery>();
        services.AddOptions<ResourceOptions>().Bind(builder.Configuration.GetSection(ResourceOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Options.IValidateOptions<ResourceOptions>, ResourceOptionsValidator>());
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        return builder;
    }
}
