using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Metrics.Collection;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>
/// Lists each pushed job on the Targets page as a source, <c>remote-write/&lt;job&gt;</c>, with its last push: written
/// to the store's source table every few seconds (not on each push, so a push never waits on it, and a store that
/// is away only delays the row).
/// </summary>
public sealed class RemoteWriteStatus(
    RemoteWriteIngest ingest, SqlCollectorStateStore state, LeaseKeeper leases, IOptions<RemoteWriteOptions> options, TimeProvider time, ILogger<RemoteWriteStatus> logger)
    : BackgroundService
{
    public const string SourcePrefix = "remote-write/";

    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await WriteAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        foreach (var job in ingest.Jobs())
        {
            if (_written.TryGetValue(job.Job, out var at) && at == job.LastPush)
            {
                continue;
            }

            try
            {
                await state.RecordPollAsync(new SourceStatus(SourcePrefix + job.Job, "POST /api/v1/write from " + string.Join(", ", job.Instances),
                    SourceState.Up, job.LastPush, job.LastPush, null, null, job.SamplesDerived)
                {
                    Interval = TimeSpan.FromSeconds(options.Value.IntervalSeconds),
                    Collector = leases.Name,
                }, cancellationToken);
                _written[job.Job] = job.LastPush;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug("Recording the push state of {Job} failed: {Error}", job.Job, e.Message);
            }
        }
    }
}
