using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// Enforces the store's retention per tier every hour, from the first renewal of its lease on: one
/// collector does it however many share the store.
/// </summary>
public sealed class RetentionService(IMetricStore store, IOptions<StoreOptions> options, LeaseKeeper leases, TimeProvider time, ILogger<RetentionService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        leases.Want(LeaseKeeper.RetentionLease);
        try
        {
            // The first run waits for the lease (at most one renewal), then the hourly schedule holds.
            await WaitForLeaseAsync(stoppingToken);
            using var timer = new PeriodicTimer(Every, time);
            do
            {
                if (leases.Holds(LeaseKeeper.RetentionLease))
                {
                    await EnforceAsync(stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WaitForLeaseAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(leases.RenewEvery, time);
        for (var i = 0; i < 3 && !leases.Holds(LeaseKeeper.RetentionLease); i++)
        {
            await timer.WaitForNextTickAsync(stoppingToken);
        }
    }

    private async Task EnforceAsync(CancellationToken stoppingToken)
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
    }
}
