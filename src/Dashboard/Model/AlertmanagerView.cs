using X0tta6bl4.Ops.Collector.Alerts.Delivery;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>One silence as the Alerts page lists it, with the alerts it suppresses now.</summary>
public sealed record SilenceRow(string Id, string Matchers, string CreatedBy, DateTimeOffset StartsAt, DateTimeOffset EndsAt, string State, string Comment,
    IReadOnlyList<string> Suppresses);

/// <summary>One alert Alertmanager holds (ours or Prometheus's) and its state there.</summary>
public sealed record AlertmanagerAlertRow(string Labels, string State, IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy, DateTimeOffset StartsAt,
    string? Summary, string? GeneratorUrl);

public sealed record AlertmanagerAlertGroup(string AlertName, IReadOnlyList<AlertmanagerAlertRow> Alerts);

/// <summary>
/// Everything Alertmanager holds: its alerts grouped by alertname (filtered by label matchers) and its silences.
/// <paramref name="Error"/> says why it could not be read; <paramref name="FilterProblem"/> why the filter was not used.
/// </summary>
public sealed record AlertmanagerView(string? Error, IReadOnlyList<SilenceRow> Silences, IReadOnlyList<AlertmanagerAlertGroup> Groups, string? FilterProblem)
{
    public static AlertmanagerView Unreadable(string error) => new(error, [], [], null);

    /// <summary>
    /// The silences that are active or pending, and those that ended within <paramref name="expiredSince"/>; each with the
    /// alerts it silences now. Alerts grouped by alertname, those matching every matcher of <paramref name="filter"/>.
    /// </summary>
    public static AlertmanagerView From(IReadOnlyList<GettableAlert> alerts, IReadOnlyList<GettableSilence> silences, string? filter, DateTimeOffset expiredSince)
    {
        string? filterProblem = null;
        IReadOnlyList<SilenceMatcher> matchers = [];
        if (!string.IsNullOrWhiteSpace(filter))
        {
            (matchers, filterProblem) = SilenceForm.ParseMatchers(filter);
        }

        static string LabelText(IReadOnlyDictionary<string, string> labels) =>
            string.Join(", ", labels.Where(l => l.Key != "alertname").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\""));

        var rows = silences
            .Where(s => s.Status.State != "expired" || s.EndsAt >= expiredSince)
            .OrderBy(s => s.Status.State switch { "active" => 0, "pending" => 1, _ => 2 }).ThenByDescending(s => s.StartsAt)
            .Select(s => new SilenceRow(s.Id, string.Join(", ", s.Matchers), s.CreatedBy, s.StartsAt, s.EndsAt, s.Status.State, s.Comment,
                alerts.Where(a => a.Status.SilencedBy?.Contains(s.Id) == true).Select(a => $"{a.Labels.GetValueOrDefault("alertname", "?")} {{{LabelText(a.Labels)}}}").ToList()))
            .ToList();
        var groups = alerts
            .Where(a => filterProblem is not null || matchers.All(m => m.Matches(a.Labels)))
            .GroupBy(a => a.Labels.GetValueOrDefault("alertname", "?"))
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new AlertmanagerAlertGroup(g.Key, g.OrderBy(a => a.StartsAt).Select(a => new AlertmanagerAlertRow(LabelText(a.Labels), a.Status.State,
                a.Status.SilencedBy ?? [], a.Status.InhibitedBy ?? [], a.StartsAt, a.Annotations?.GetValueOrDefault("summary"), a.GeneratorUrl)).ToList()))
            .ToList();
        return new AlertmanagerView(null, rows, groups, filterProblem);
    }
}
