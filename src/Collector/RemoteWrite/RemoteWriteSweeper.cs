using Microsoft.Extensions.Hosting;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>
/// Sweeps the ingest every second (<see cref="RemoteWriteIngest.Sweep"/>): pushes sweep too, but when every pushing
/// Prometheus has stopped, the scrapes waiting for their grace and the silent targets would otherwise wait for the next push.
/// </summary>
public sealed class RemoteWriteSweeper(RemoteWriteIngest ingest, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                ingest.Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
