using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>
/// Creates or upgrades every store's tables before anything else starts (hosted services start in the
/// order they were added, and the stores are added first), so a bad path or an unreachable database fails
/// the start with its reason rather than the first page.
/// </summary>
public sealed class StoreStartup(IEnumerable<IStoreSchema> schemas, ILogger<StoreStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var schema in schemas)
        {
            try
            {
                await schema.MigrateAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogCritical("Cannot open {Store}: {Error}", schema.Description, e.Message);
                throw new InvalidOperationException($"Cannot open {schema.Description}: {e.Message}", e);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
