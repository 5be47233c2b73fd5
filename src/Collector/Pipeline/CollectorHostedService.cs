using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// Builds the <see cref="CollectorService"/> only when the host starts. The host constructs hosted
/// services before it validates options; building the sources then would surface the first bad
/// option alone instead of the full list that start-up validation gives.
/// </summary>
internal sealed class CollectorHostedService(IServiceProvider services) : IHostedService
{
    private CollectorService? _collector;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _collector = services.GetRequiredService<CollectorService>();
        return _collector.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _collector?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
