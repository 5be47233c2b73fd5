using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Pipeline;

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
            services.TryAddSingleton(CreateIngest);
            services.AddHostedService<RemoteWriteStatus>();
            services.AddHostedService<RemoteWriteSweeper>();
        }

        return services;
    }

    /// <summary>
    /// The ingest, with its held-scrape log in a folder under Collector:SpoolPath when the write buffer has a spool: what
    /// an earlier run held and never derived is held again first. A log that cannot be opened leaves held scrapes in
    /// memory only, with a warning, as the write buffer does with its spool.
    /// </summary>
    private static RemoteWriteIngest CreateIngest(IServiceProvider services)
    {
        var buffer = services.GetRequiredService<WriteBuffer>();
        var collector = services.GetRequiredService<IOptions<CollectorOptions>>();
        var options = services.GetRequiredService<IOptions<RemoteWriteOptions>>();
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger<RemoteWriteIngest>();
        // The log marks a batch done once the write buffer has what it gave: that is safe only when the buffer has a spool.
        if (CollectorServiceCollectionExtensions.SpoolDirectory(services) is not { } spool || buffer.SpoolBytes is null)
        {
            logger.LogWarning("The write buffer has no spool (Collector:SpoolPath empty or in use): pushed samples held for the rest of their scrape are in memory only, and lost if this process stops.");
            return new RemoteWriteIngest(buffer, collector, options, time);
        }

        HeldScrapeLog log;
        IReadOnlyList<HeldScrapeLog.Batch> replayed;
        try
        {
            log = HeldScrapeLog.Open(Path.Combine(spool, HeldScrapeLog.FolderName), options.Value.HeldLogMaxBytes, time, out replayed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Pushed samples held for the rest of their scrape stay in memory only (lost if this process stops): {Error}", e.Message);
            return new RemoteWriteIngest(buffer, collector, options, time);
        }

        if (replayed.Count > 0)
        {
            logger.LogWarning("Holding again {Scrapes} pushed scrapes from {Batches} pushes that an earlier run had acknowledged but not yet derived.",
                replayed.SelectMany(r => r.Held).Distinct().Count(), replayed.Count);
        }

        try
        {
            return new RemoteWriteIngest(buffer, collector, options, time, log, replayed);
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }
}
