using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

public static class RemoteWriteServiceCollectionExtensions
{
    /// <summary>
    /// The receiver's options (validated at start) and, when RemoteWrite:Enabled, the ingest and its Targets-page rows.
    /// Needs <see cref="CollectorServiceCollectionExtensions.AddCollector"/>: pushes go through its write buffer.
    /// </summary>
    public static IServiceCollection AddRemoteWriteIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RemoteWriteOptions>().Bind(configuration.GetSection(RemoteWriteOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RemoteWriteOptions>, RemoteWriteOptionsValidator>());
        if (RemoteWriteOptions.IsEnabled(configuration))
        {
            services.TryAddSingleton<RemoteWriteIngest>();
            services.AddHostedService<RemoteWriteStatus>();
            services.AddHostedService<RemoteWriteSweeper>();
        }

        return services;
    }
}
