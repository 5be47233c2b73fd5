using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>Enforces the store's retention per tier: at start, then every hour.</summary>
public sealed class RetentionService(IMetricStore store, IOptions<StoreOptions> options, TimeProvider time, ILogger<RetentionService> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var removed = await store.EnforceRetentionAsync(options.Value.Retention, time.GetUtcNow(), stoppingToken);
                if (removed > 0)
                {
                    logger.LogInformation("Retention removed {Count} rows or partitions.", removed);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Retention failed ({Error}); trying again in {Every}.", e.Message, Every);
            }

            try
            {
                await Task.Delay(Every, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
