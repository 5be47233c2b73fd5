using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace X0tta6bl4.Ops.Collector.Pipeline;

/// <summary>
/// The collector's lease loop, for its probes. Live (<c>/health</c>): a round ran within three renew periods — a hung
/// collector stops running them, and a restart is what helps. Ready (<c>/health/ready</c>): the store took a heartbeat
/// within three renew periods — a collector that cannot reach its store polls into its buffer, but holds no new lease.
/// </summary>
public sealed class LeaseHealthCheck(LeaseKeeper leases, TimeProvider time, bool readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var allowed = leases.RenewEvery * 3;
        // Until the first round is due, the start counts as one.
        var last = (readiness ? leases.LastRenewedAt : leases.LastRoundAt) ?? leases.StartedAt;
        var age = now - last;
        var what = readiness ? "the store took the collector's heartbeat" : "the lease loop ran";
        return Task.FromResult(age <= allowed
            ? HealthCheckResult.Healthy($"{Cap(what)} {age.TotalSeconds:0} s ago.")
            : HealthCheckResult.Unhealthy($"{Cap(what)} {age.TotalSeconds:0} s ago (allowed {allowed.TotalSeconds:0} s)."));
    }

    private static string Cap(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
