using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Metrics.Collection;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// Shares the work among collector instances on one store: every source, and the single jobs (alert
/// evaluation, retention), is a lease in the store's lease table, renewed every third of its length. Only
/// the holder polls a source or runs a job; a lease its holder stops renewing (the process died) is taken by
/// another instance at its next renewal, and a clean shutdown gives them up at once. The heartbeat tells the
/// Targets page which instances are alive and what each holds.
/// </summary>
public sealed class LeaseKeeper
{
    private readonly SqlCollectorStateStore _state;
    private readonly TimeProvider _time;
    private readonly ILogger<LeaseKeeper> _logger;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _wanted = new(StringComparer.Ordinal);
    private readonly IOptions<CollectorOptions> _options;

    public LeaseKeeper(SqlCollectorStateStore state, IOptions<CollectorOptions> options, TimeProvider time, ILogger<LeaseKeeper> logger)
    {
        _state = state;
        _options = options;
        _time = time;
        _logger = logger;
        StartedAt = time.GetUtcNow();
    }

    public const string AlertsLease = "job/alerts";
    public const string RetentionLease = "job/retention";

    /// <summary>This instance's name, as the lease table and the Targets page show it.</summary>
    // Read when used, not when built: hosted services are built before start-up validation, which then lists every problem at once.
    public string Name => _options.Value.InstanceName ?? $"{Environment.MachineName}:{Environment.ProcessId}";

    public TimeSpan Length => TimeSpan.FromSeconds(_options.Value.LeaseSeconds);

    public TimeSpan RenewEvery => Length / 3;

    public DateTimeOffset StartedAt { get; }

    /// <summary>Adds a lease to those this instance tries to hold from its next renewal on.</summary>
    public void Want(string lease) => _wanted.TryAdd(lease, 0);

    /// <summary>Whether this instance holds the lease now, by its own clock (the local expiry is never later than the table's).</summary>
    public bool Holds(string lease) => _held.TryGetValue(lease, out var until) && _time.GetUtcNow() < until;

    /// <summary>When the last round ran, whether or not the store answered: a round long overdue means a hung collector.</summary>
    public DateTimeOffset? LastRoundAt { get; private set; }

    /// <summary>When the store last took this instance's heartbeat and leases.</summary>
    public DateTimeOffset? LastRenewedAt { get; private set; }

    /// <summary>One round: heartbeat, then take or renew every wanted lease. A store that cannot be reached holds nothing.</summary>
    public async Task RenewAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        LastRoundAt = now;
        try
        {
            await _state.HeartbeatAsync(Name, StartedAt, now, ct);
            foreach (var lease in _wanted.Keys)
            {
                if (await _state.TryLeaseAsync(lease, Name, now, now + Length, ct))
                {
                    if (_held.TryAdd(lease, now + Length))
                    {
                        _logger.LogInformation("Collector {Instance} now holds {Lease}.", Name, lease);
                    }

                    _held[lease] = now + Length;
                }
                else if (_held.TryRemove(lease, out _))
                {
                    _logger.LogWarning("Collector {Instance} lost {Lease} to another instance.", Name, lease);
                }
            }

            LastRenewedAt = now;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The store cannot be reached: keep polling what this instance held, into the write buffer, rather
            // than leave its sources unpolled for the length of the outage. Whether another instance took a
            // lease over is known only once the store answers; until then a source may be polled twice.
            foreach (var lease in _held.Keys)
            {
                _held[lease] = now + Length;
            }

            _logger.LogWarning("Renewing the collector's leases failed ({Error}); polling what it held until the store answers.", e.Message);
        }
    }

    /// <summary>Renews every <see cref="RenewEvery"/> until stopped, then gives the leases up so another instance takes over at once.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RenewEvery, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RenewAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }

        _held.Clear();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _state.ReleaseAllAsync(Name, timeout.Token);
        }
        catch (Exception e)
        {
            _logger.LogInformation("The collector's leases could not be given up ({Error}); they run out in {Length}.", e.Message, Length);
        }
    }
}
