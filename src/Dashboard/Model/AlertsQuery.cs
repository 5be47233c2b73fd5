using X0tta6bl4.Ops.Collector.Alerts.Delivery;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Collection;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <param name="Delivery">Where and when it was last sent ("sent to … 12 s ago"), or null when it never was.</param>
public sealed record AlertRow(AlertRecord Alert, string RuleName, double? SecondsToAck, double? SecondsToResolve, string ChartLink, string? Delivery = null)
{
    /// <summary>The alert's labels in Alertmanager as matchers, to pre-fill a silence for it.</summary>
    public string SilenceMatchers { get; init; } = "";
}

/// <summary>One Alertmanager alerts go to, and how that is going, in words for the page.</summary>
public sealed record DeliveryLine(string Alertmanager, string Text, bool Failing);

/// <param name="Noise">Alerts per day in the range.</param>
/// <param name="Flapping">Share of its alerts that resolved within 10 minutes of starting.</param>
public sealed record RuleNoise(string RuleId, string RuleName, int Alerts, double Noise, double Flapping, double? MttrMinutes, double? MttfHours);

public sealed record AlertsModel(
    IReadOnlyList<AlertRow> Active,
    IReadOnlyList<AlertRow> History,
    IReadOnlyList<RuleNoise> Rules,
    PrometheusAlerts? Prometheus,
    IReadOnlyList<string> RuleIds)
{
    public IReadOnlyList<ComponentAvailability> Components { get; init; } = [];

    /// <summary>The rules in force, switched-off ones included, with where each threshold comes from.</summary>
    public RuleSet? InForce { get; init; }

    /// <summary>The Alertmanagers the collector sends to; none: alerts are delivered nowhere.</summary>
    public IReadOnlyList<DeliveryLine> Delivery { get; init; } = [];

    /// <summary>How people answered the alerts that fired in the range: medians, transients, flapping, shifts.</summary>
    public AlertReview? Review { get; init; }

    /// <summary>What Alertmanager holds (its alerts and silences); null when no Alertmanager is configured.</summary>
    public AlertmanagerView? Alertmanager { get; init; }
}

/// <param name="Matchers">Label matchers for Alertmanager's alerts (alertname="…", job=~"…").</param>
public sealed record AlertFilter(string? Severity, string? Rule, string? State, string? Matchers = null);

/// <summary>A component's up/down history over the range, at the range's step: availability, MTTR and MTTF.</summary>
public sealed record ComponentAvailability(string Component, double Availability, int Outages, double? MttrMinutes, double? MttfMinutes);

/// <summary>The alert review: what is active, what happened, how fast people answered, which rules are noise.</summary>
public sealed class AlertsQuery(
    SqlAlertStore alerts, SqlAlertDeliveryStore deliveries, AlertRules ruleSet, SqlCollectorStateStore state, TimeProvider time, SeriesReader reader, AlertmanagerApi alertmanager)
{
    public async Task<AlertsModel> LoadAsync(TimeRange range, AlertFilter filter, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var rules = await ruleSet.LoadAsync(ct);
        var names = rules.Rules.ToDictionary(r => r.Rule.Id, r => r.Rule.Name);
        var all = await alerts.ListAsync(range.FromMs, range.ToMs, ct);
        var sends = (await deliveries.SendsAsync(range.FromMs, range.ToMs, ct)).ToLookup(s => s.AlertId);
        var byId = rules.Rules.ToDictionary(r => r.Rule.Id, r => r.Rule);
        var rows = all.Select(a => Row(a, names, now) with
        {
            Delivery = Delivered(sends[a.Id].ToList(), now),
            SilenceMatchers = byId.TryGetValue(a.RuleId, out var rule)
                ? string.Join(", ", SilenceMatcher.ForAlert(a, rule))
                : "",
        }).ToList();
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
            await state.PrometheusAlertsAsync(ct),
            rules.Rules.Select(r => r.Rule.Id).ToList())
        {
            Components = await ComponentsAsync(range, ct),
            InForce = rules,
            Review = AlertReview.From(all, range.FromMs, range.ToMs),
            Alertmanager = alertmanager.Configured ? await AlertmanagerAsync(filter.Matchers, range, ct) : null,
            Delivery = (await deliveries.StatusAsync(ct)).Select(s => Line(s, now)).ToList(),
        };
    }

    /// <summary>Alertmanager's alerts and silences, read together; why not, when it cannot be read.</summary>
    private async Task<AlertmanagerView> AlertmanagerAsync(string? filter, TimeRange range, CancellationToken ct)
    {
        // Together: an Alertmanager that does not answer costs the page one timeout, not two.
        var reads = (Alerts: alertmanager.FirstAsync(c => c.AlertsAsync(ct)), Silences: alertmanager.FirstAsync(c => c.SilencesAsync(ct)));
        var (am, silences) = (await reads.Alerts, await reads.Silences);
        return am.Ok && silences.Ok
            ? AlertmanagerView.From(am.Value ?? [], silences.Value ?? [], filter, range.From)
            : AlertmanagerView.Unreadable(am.Error ?? silences.Error!);
    }

    private static string? Delivered(IReadOnlyList<AlertSend> sends, long now)
    {
        if (sends.Count == 0)
        {
            return null;
        }

        var newest = sends.MaxBy(s => s.SentMs)!;
        var where = sends.Count == 1 ? newest.Alertmanager : $"{sends.Count} Alertmanagers";
        return $"sent {newest.State.ToString().ToLowerInvariant()} to {where} {Display.Ago(At(now), At(newest.SentMs))}";
    }

    private static DeliveryLine Line(AlertmanagerStatus status, long now) =>
        status.Failing
            ? new DeliveryLine(status.Url, $"Delivery to {status.Url} is failing ({Display.Ago(At(now), At(status.LastErrorMs!.Value))}): {status.LastError}"
                + (status.LastSuccessMs is { } ok ? $" Last delivered {Display.Ago(At(now), At(ok))}." : " Nothing was delivered yet."), true)
            : new DeliveryLine(status.Url, status.LastSuccessMs is { } success
                ? $"Alerts go to {status.Url}; last delivered {Display.Ago(At(now), At(success))}."
                : $"Alerts go to {status.Url}; none has been sent yet.", false);

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>
    /// From the collector's source_up and Prometheus's target_up: a step is down when any poll in it was down
    /// (the step minimum); availability = up steps ÷ steps with data; MTTR and MTTF = mean down and up run lengths.
    /// </summary>
    private async Task<IReadOnlyList<ComponentAvailability>> ComponentsAsync(TimeRange range, CancellationToken ct)
    {
        var lines = (await reader.LinesAsync(new Metrics.Model.SeriesSelector(Metrics.Catalog.CanonicalSeries.SourceUp), range, k => $"source {k["source"]}",
                aggregation: Metrics.Store.Aggregation.Min, ct: ct))
            .Concat(await reader.LinesAsync(new Metrics.Model.SeriesSelector(Metrics.Catalog.CanonicalSeries.TargetUp), range, k => $"target {k["job"]} {k["instance"]}",
                aggregation: Metrics.Store.Aggregation.Min, ct: ct));
        var stepMinutes = range.StepMs / 60_000.0;
        var result = new List<ComponentAvailability>();
        foreach (var line in lines)
        {
            var states = line.Y.Where(v => v is not null).Select(v => v >= 1).ToList();
            if (states.Count == 0)
            {
                continue;
            }

            var runs = new List<(bool Up, int Length)>();
            foreach (var up in states)
            {
                if (runs.Count > 0 && runs[^1].Up == up)
                {
                    runs[^1] = (up, runs[^1].Length + 1);
                }
                else
                {
                    runs.Add((up, 1));
                }
            }

            var down = runs.Where(r => !r.Up).ToList();
            var upRuns = runs.Where(r => r.Up).ToList();
            result.Add(new ComponentAvailability(line.Name, states.Count(s => s) / (double)states.Count, down.Count,
                down.Count == 0 ? null : down.Average(r => r.Length) * stepMinutes,
                down.Count == 0 || upRuns.Count == 0 ? null : upRuns.Average(r => r.Length) * stepMinutes));
        }

        return result.OrderBy(c => c.Availability).ThenBy(c => c.Component, StringComparer.Ordinal).ToList();
    }

    private static AlertRow Row(AlertRecord alert, Dictionary<string, string> names, long now)
    {
        var link = DashboardLinkOptions.PagePath("", At(alert.StartedMs).AddMinutes(-15), At(alert.ResolvedMs ?? now).AddMinutes(15));
        return new AlertRow(alert, names.GetValueOrDefault(alert.RuleId, alert.RuleId),
            alert.AckedMs is { } acked ? (acked - (alert.FiredMs ?? alert.StartedMs)) / 1000.0 : null,
            alert.ResolvedMs is { } resolved ? (resolved - alert.StartedMs) / 1000.0 : null,
            link);
    }
}
