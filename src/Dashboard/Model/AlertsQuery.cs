using X0tta6bl4.Ops.Collector.Alerts;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Dashboard.Model;

public sealed record AlertRow(AlertRecord Alert, string RuleName, double? SecondsToAck, double? SecondsToResolve, string ChartLink);

/// <param name="Noise">Alerts per day in the range.</param>
/// <param name="Flapping">Share of its alerts that resolved within 10 minutes of starting.</param>
public sealed record RuleNoise(string RuleId, string RuleName, int Alerts, double Noise, double Flapping, double? MttrMinutes, double? MttfHours);

public sealed record AlertsModel(
    IReadOnlyList<AlertRow> Active,
    IReadOnlyList<AlertRow> History,
    IReadOnlyList<RuleNoise> Rules,
    PrometheusBoard.AlertsSnapshot? Prometheus,
    IReadOnlyList<string> RuleIds);

public sealed record AlertFilter(string? Severity, string? Rule, string? State);

/// <summary>The alert review: what is active, what happened, how fast people answered, which rules are noise.</summary>
public sealed class AlertsQuery(SqlAlertStore alerts, IReadOnlyList<AlertRule> rules, PrometheusBoard prometheus, TimeProvider time)
{
    public async Task<AlertsModel> LoadAsync(TimeRange range, AlertFilter filter, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var names = rules.ToDictionary(r => r.Id, r => r.Name);
        var all = await alerts.ListAsync(range.FromMs, range.ToMs, ct);
        var rows = all.Select(a => Row(a, names, now)).ToList();
        var filtered = rows.Where(r =>
            (filter.Severity is null || r.Alert.Severity == filter.Severity)
            && (filter.Rule is null || r.Alert.RuleId == filter.Rule)
            && (filter.State is null || r.Alert.State.ToString() == filter.State)).ToList();

        var days = Math.Max(range.Length.TotalDays, 1.0 / 24);
        var noise = rows.GroupBy(r => r.Alert.RuleId).Select(g =>
        {
            var resolved = g.Where(r => r.Alert.ResolvedMs is not null).ToList();
            var flapping = g.Count(r => r.Alert.ResolvedMs - r.Alert.StartedMs < 600_000) / (double)g.Count();
            // MTTR: mean start → resolution; MTTF: mean time from one resolution to the next start.
            var ordered = g.OrderBy(r => r.Alert.StartedMs).ToList();
            var gaps = ordered.Zip(ordered.Skip(1)).Where(p => p.First.Alert.ResolvedMs is not null)
                .Select(p => (p.Second.Alert.StartedMs - p.First.Alert.ResolvedMs!.Value) / 3_600_000.0).ToList();
            return new RuleNoise(g.Key, names.GetValueOrDefault(g.Key, g.Key), g.Count(), g.Count() / days, flapping,
                resolved.Count == 0 ? null : resolved.Average(r => (r.Alert.ResolvedMs!.Value - r.Alert.StartedMs) / 60_000.0),
                gaps.Count == 0 ? null : gaps.Average());
        }).OrderByDescending(n => n.Noise).ToList();

        return new AlertsModel(
            filtered.Where(r => r.Alert.State != AlertState.Resolved).ToList(),
            filtered.Where(r => r.Alert.State == AlertState.Resolved).ToList(),
            noise,
            prometheus.Alerts,
            rules.Select(r => r.Id).ToList());
    }

    private static AlertRow Row(AlertRecord alert, Dictionary<string, string> names, long now)
    {
        var start = alert.StartedMs - 15 * 60_000;
        var end = (alert.ResolvedMs ?? now) + 15 * 60_000;
        var link = $"/?range=custom&from={Iso(start)}&to={Iso(end)}";
        return new AlertRow(alert, names.GetValueOrDefault(alert.RuleId, alert.RuleId),
            alert.AckedMs is { } acked ? (acked - (alert.FiredMs ?? alert.StartedMs)) / 1000.0 : null,
            alert.ResolvedMs is { } resolved ? (resolved - alert.StartedMs) / 1000.0 : null,
            link);
    }

    private static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}
