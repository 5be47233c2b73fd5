using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>
/// Sweeps the ingest every second (<see cref="RemoteWriteIngest.Sweep"/>): pushes sweep too, but when every pushing
/// Prometheus has stopped, the scrapes waiting for their grace and the silent targets would otherwise wait for the next push.
/// </summary>
public sealed class RemoteWriteSweeper(RemoteWriteIngest ingest, TimeProvider time, ILogger<RemoteWriteSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    ingest.Sweep();
                }
                catch (IOException e)
                {
                    // The write buffer's spool could not be written (a full disk): the scrapes this sweep derived are
                    // not in the buffer, but their held batches stay open, so the next start holds them again. The
                    // receiver keeps running.
                    logger.LogWarning("A remote-write sweep could not hand its scrapes to the write buffer: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
