using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// Polls every source this instance holds the lease of, on its own schedule (one loop each, so a slow source
/// never holds up another), records each poll's outcome in the store for the pages, and drains the write
/// buffer into the store, retrying while the store is down.
/// </summary>
public sealed class CollectorService : BackgroundService
{
    private const int MaxBatch = 50_000;

    private readonly IEnumerable<ISource> _sources;
    private readonly IMetricStore _store;
    private readonly WriteBuffer _buffer;
    private readonly SqlCollectorStateStore _state;
    private readonly LeaseKeeper _leases;
    private readonly TimeProvider _time;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<CollectorService> _logger;
    private readonly Alerts.AlertSignals? _signals;

    public CollectorService(
        IEnumerable<ISource> sources,
        IMetricStore store,
        WriteBuffer buffer,
        SqlCollectorStateStore state,
        LeaseKeeper leases,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ILogger<CollectorService> logger,
        Alerts.AlertSignals? signals = null)
    {
        _signals = signals;
        _sources = sources;
        _store = store;
        _buffer = buffer;
        _state = state;
        _leases = leases;
        _time = time;
        _lifetime = lifetime;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Start once the host listens: a source may be this very process.
        await WaitForStartAsync(stoppingToken);
        foreach (var source in _sources)
        {
            _leases.Want(source.Name);
            try
            {
                await _state.RegisterSourceAsync(source.Name, source.Endpoint, source.Interval, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning("Listing source {Source} in the store failed: {Error}", source.Name, e.Message);
            }
        }

        // Leases first, so the first polls are not skipped for want of one.
        await _leases.RenewAsync(stoppingToken);
        var loops = _sources.Select(s => RunSourceAsync(s, stoppingToken))
            .Append(DrainAsync(stoppingToken))
            .Append(ReportBufferAsync(stoppingToken))
            .Append(_leases.RunAsync(stoppingToken)).ToList();
        await Task.WhenAll(loops);
    }

    private async Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var a = _lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var b = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunSourceAsync(ISource source, CancellationToken stoppingToken)
    {
        // Jitter up to a tenth of the interval spreads sources that share an interval.
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * source.Interval.TotalMilliseconds / 10);
        try
        {
            await Task.Delay(jitter, _time, stoppingToken);
            // A periodic timer keeps the schedule (no drift) and skips slots missed by a slow poll.
            using var timer = new PeriodicTimer(source.Interval, _time);
            do
            {
                // Another instance polls what this one does not hold.
                if (_leases.Holds(source.Name))
                {
                    await PollOnceAsync(source, stoppingToken);
                }
                else if (source is IPollBaseline baseline)
                {
                    baseline.ForgetPreviousPoll();
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One poll: collect with a timeout, buffer the samples, record the source's state.</summary>
    public async Task PollOnceAsync(ISource source, CancellationToken stoppingToken)
    {
        var started = _time.GetUtcNow();
        var timestampMs = started.ToUnixTimeMilliseconds();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(source.Timeout);
        var health = new List<SeriesSample>();
        var sourceLabel = ("source", source.Name);
        try
        {
            var samples = await source.CollectAsync(timestampMs, timeout.Token);
            var duration = _time.GetUtcNow() - started;
            _buffer.Add([.. samples, .. DerivedSeries.From(samples)]);
            health.Add(new SeriesSample(SeriesKey.Of(CanonicalSeries.SourceUp, sourceLabel), timestampMs, 1));
            health.Add(new SeriesSample(SeriesKey.Of(CanonicalSeries.SourcePollSeconds, sourceLabel), timestampMs, duration.TotalSeconds));
            // A partial answer is still an answer: the poll is up, its figures are written, and a mark at the same
            // timestamp says they may be incomplete (the view models match it by source and timestamp).
            var warnings = source is IPollWarnings partial ? partial.LastWarnings : [];
            if (warnings.Count > 0)
            {
                health.Add(new SeriesSample(SeriesKey.Of(CanonicalSeries.SourcePartial, sourceLabel), timestampMs, warnings.Count));
                CollectorMetrics.PartialPolls.WithLabels(source.Name).Inc();
            }

            await RecordAsync(new SourceStatus(source.Name, source.Endpoint, SourceState.Up, started, started, null, duration, samples.Count) { Warnings = warnings },
                source, stoppingToken);
            CollectorMetrics.Polls.WithLabels(source.Name, "success").Inc();
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            var duration = _time.GetUtcNow() - started;
            var error = e is OperationCanceledException
                ? $"No answer within {source.Timeout.TotalSeconds:0.#} s."
                : e is SourceException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            health.Add(new SeriesSample(SeriesKey.Of(CanonicalSeries.SourceUp, sourceLabel), timestampMs, 0));
            await RecordAsync(new SourceStatus(source.Name, source.Endpoint, SourceState.Down, started, null, error, duration, 0), source, stoppingToken);
            CollectorMetrics.Polls.WithLabels(source.Name, "failure").Inc();
            _logger.LogWarning("Source {Source} ({Endpoint}) failed: {Error}", source.Name, source.Endpoint, error);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        _buffer.Add(health);
    }

    /// <summary>The poll's outcome for the pages; a store that cannot take it loses nothing but this row (the next poll writes it again).</summary>
    private async Task RecordAsync(SourceStatus status, ISource source, CancellationToken stoppingToken)
    {
        try
        {
            await _state.RecordPollAsync(status with { Interval = source.Interval, Collector = _leases.Name }, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            CollectorMetrics.StateWriteFailures.Inc();
            _logger.LogDebug("Recording the state of {Source} failed: {Error}", source.Name, e.Message);
        }
    }

    /// <summary>The buffer's fill level and drops, every few seconds, into the store: the Targets page reads them there.</summary>
    private async Task ReportBufferAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), _time);
        try
        {
            do
            {
                try
                {
                    await _state.RecordBufferAsync(_leases.Name,
                        new CollectorBuffer(_buffer.Count, _buffer.Capacity, _buffer.Dropped, _buffer.SpoolBytes, _buffer.SpoolMaxBytes, _time.GetUtcNow()), stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The store is away: what the page would show is the buffer filling, and it will, once the store is back.
                    CollectorMetrics.StateWriteFailures.Inc();
                    _logger.LogDebug("Recording the write buffer's state failed: {Error}", e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            WriteBuffer.Taken batch;
            try
            {
                batch = await _buffer.PeekAsync(MaxBatch, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // Batches whose earlier write may have committed are looked for in the store first: exactly once.
                var inDoubt = batch.Batches.Where(b => b.InDoubt).ToList();
                if (inDoubt.Count > 0)
                {
                    var stored = new List<WriteBuffer.Entry>();
                    foreach (var entry in inDoubt)
                    {
                        if (await StoreProbe.HoldsAsync(_store, entry.Samples, stoppingToken))
                        {
                            stored.Add(entry);
                        }
                        else
                        {
                            entry.InDoubt = false;
                        }
                    }

                    if (stored.Count > 0)
                    {
                        _buffer.Remove(stored);
                        _logger.LogInformation("{Count} buffered batches were already in the store (a write whose answer was lost, or one in flight at a crash); not written again.", stored.Count);
                        continue;
                    }
                }

                _buffer.Writing(batch);
                var result = await _store.WriteAsync(batch.Samples, stoppingToken);
                _buffer.Remove(batch);
                CollectorMetrics.SamplesWritten.Inc(result.Written);
                _signals?.SamplesWritten.Set();
                if (result.Refused > 0)
                {
                    _logger.LogWarning("The store refused {Count} samples: {Reason}", result.Refused, result.RefusalReason);
                }

                backoff = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _buffer.Failed(batch);
                CollectorMetrics.StoreFailures.Inc();
                _logger.LogError(e, "Writing {Count} samples to the store failed; they stay buffered ({Buffered} waiting). Retrying in {Backoff}.",
                    batch.Samples.Count, _buffer.Count, backoff);
                try
                {
                    await Task.Delay(backoff, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }
}
