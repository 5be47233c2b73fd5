using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>
/// Which alerts are due to one Alertmanager, as Prometheus's notifier decides: a firing alert when it fires and again
/// every resend interval (so Alertmanager never times it out while it fires); a resolved one at once and again every
/// resend interval for <see cref="ResolvedFor"/>; a pending one never. Kept in memory: a collector that starts, or takes
/// the alerts lease over, has sent nothing and so sends everything firing again, from the store.
/// </summary>
public sealed class DeliverySchedule(TimeSpan resend)
{
    /// <summary>How long a resolved alert is sent on (Prometheus's resolvedRetention).</summary>
    public static readonly TimeSpan ResolvedFor = TimeSpan.FromMinutes(15);

    private readonly Dictionary<long, (AlertState State, long SentMs)> _sent = [];

    /// <summary>
    /// The alerts of <paramref name="alerts"/> (the firing ones and those resolved within <see cref="ResolvedFor"/>)
    /// that are due now.
    /// </summary>
    public IReadOnlyList<AlertRecord> Due(IReadOnlyList<AlertRecord> alerts, long nowMs) =>
        alerts.Where(a => a.State switch
        {
            AlertState.Firing => !_sent.TryGetValue(a.Id, out var s) || s.State != AlertState.Firing || nowMs - s.SentMs >= resend.TotalMilliseconds,
            AlertState.Resolved => a.ResolvedMs >= nowMs - ResolvedFor.TotalMilliseconds
                && (!_sent.TryGetValue(a.Id, out var s) || s.State != AlertState.Resolved || nowMs - s.SentMs >= resend.TotalMilliseconds),
            _ => false,
        }).ToList();

    /// <summary>
    /// Of the alerts with the same rule and labels, the newest only: once an alert fires again, the resolution of its
    /// previous one is no longer sent (as a Prometheus rule keeps one alert per label set). Alertmanager knows both by
    /// one fingerprint, and a resent old resolution, not overlapping the new alert, replaced it there as resolved until
    /// the next resend — ten seconds of a firing alert notifying nobody in bench/run alerts.
    /// </summary>
    public static IReadOnlyList<AlertRecord> NewestPerLabels(IEnumerable<AlertRecord> alerts) =>
        alerts.GroupBy(a => (a.RuleId, a.Labels)).Select(g => g.MaxBy(a => (a.StartedMs, a.Id))!).ToList();

    /// <summary>These were accepted by the Alertmanager at <paramref name="nowMs"/>.</summary>
    public void Sent(IEnumerable<AlertRecord> alerts, long nowMs)
    {
        foreach (var alert in alerts)
        {
            _sent[alert.Id] = (alert.State, nowMs);
        }
    }

    /// <summary>
    /// Forgets the alerts no longer in <paramref name="alerts"/> (resolved longer ago than <see cref="ResolvedFor"/>);
    /// returns how many of them went without their resolution ever being delivered.
    /// </summary>
    public int Expire(IReadOnlyList<AlertRecord> alerts)
    {
        var current = alerts.Select(a => a.Id).ToHashSet();
        var gone = _sent.Where(s => !current.Contains(s.Key)).ToList();
        foreach (var (id, _) in gone)
        {
            _sent.Remove(id);
        }

        return gone.Count(g => g.Value.State != AlertState.Resolved);
    }

    /// <summary>Starts over, as a collector that has sent nothing yet (the alerts lease went elsewhere).</summary>
    public void Forget() => _sent.Clear();
}
