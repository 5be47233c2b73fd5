using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Metrics.Settings;

public static class SettingsServiceCollectionExtensions
{
    /// <summary>
    /// The SLA targets (section "Sla") and the alert rules (section "Alerts") in force, over the store's
    /// settings table; shared by the collector, which evaluates the rules, and the dashboard, which shows them.
    /// Safe to call from both when one process hosts both.
    /// </summary>
    public static IServiceCollection AddOperatorSettings(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(SlaTargets)))
        {
            return services;
        }

        services.AddOptions<SlaOptions>().Bind(configuration.GetSection(SlaOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlaOptions>, SlaOptionsValidator>());
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        services.AddOptions<DashboardLinkOptions>().Bind(configuration.GetSection(DashboardLinkOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DashboardLinkOptions>, DashboardLinkOptionsValidator>());
        services.TryAddSingleton<SlaTargets>();
        services.TryAddSingleton<AlertRules>();
        services.TryAddSingleton<SloBurnRates>();
        return services;
    }
}
