using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.LoadTests;

public static class LoadTestsServiceCollectionExtensions
{
    /// <summary>Load tests run from the dashboard (section "Load"): the runner, where it may aim, and the exports.</summary>
    public static IServiceCollection AddLoadTests(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LoadOptions>().Bind(configuration.GetSection(LoadOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LoadOptions>, LoadOptionsValidator>());
        services.TryAddSingleton<LoadTargets>();
        services.TryAddSingleton<LoadRunService>();
        services.AddHostedService(sp => sp.GetRequiredService<LoadRunService>());
        return services;
    }
}
