using Microsoft.Extensions.Hosting;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>A host that has already started, so the collector begins polling at once.</summary>
internal sealed class StartedLifetime : IHostApplicationLifetime
{
    public CancellationToken ApplicationStarted => new(true);
    public CancellationToken ApplicationStopping => CancellationToken.None;
    public CancellationToken ApplicationStopped => CancellationToken.None;
    public void StopApplication() { }
}
