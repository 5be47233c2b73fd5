using System.Globalization;
using System.Text.Json.Serialization;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>One alert as Alertmanager's <c>POST /api/v2/alerts</c> takes it (its postableAlert).</summary>
public sealed record PostableAlert(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] string StartsAt,
    [property: JsonPropertyName("endsAt")] string EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl)
{
    /// <summary>
    /// An alert as Prometheus sends one: labels <c>alertname</c> (the rule's name), <c>severity</c>, <c>rule</c> (its
    /// id) and the alert's own (job, source, instance …); annotations <c>summary</c>, <c>description</c> citing the
    /// measured value and the threshold, and <c>runbook_url</c> when configured. A firing alert ends at
    /// <paramref name="firingEndsAt"/> unless sent again (so Alertmanager resolves it by itself if we go quiet); a
    /// resolved one at its resolve time.
    /// </summary>
    public static PostableAlert From(AlertRecord alert, AlertRule rule, string? runbookUrl, DashboardLinkOptions links, DateTimeOffset firingEndsAt)
    {
        var labels = LabelsOf(alert, rule);

        var value = alert.Value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "not recorded";
        var threshold = rule.Threshold.ToString("G6", CultureInfo.InvariantCulture);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["summary"] = alert.Labels.Length == 0 ? rule.Name : $"{rule.Name}: {alert.Labels}",
            ["description"] = alert.Detail is { } detail
                ? $"{rule.Summary} {detail}"
                : $"{rule.Summary} Measured {rule.Selector.Name}{{{alert.Labels}}} = {value}, "
                    + $"{(rule.Comparison == Comparison.Below ? "below" : "above")} the threshold {threshold} for {Duration(rule.For)} or more.",
        };
        if (!string.IsNullOrEmpty(runbookUrl))
        {
            annotations["runbook_url"] = runbookUrl;
        }

        var started = DateTimeOffset.FromUnixTimeMilliseconds(alert.FiredMs ?? alert.StartedMs);
        var resolved = alert.ResolvedMs is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : (DateTimeOffset?)null;
        // The page around the start (and the end, once resolved): 15 minutes before, up to an hour after or the end's quarter hour.
        var onset = DateTimeOffset.FromUnixTimeMilliseconds(alert.StartedMs);
        var windowEnd = resolved is { } end && end.AddMinutes(15) > onset.AddMinutes(45) ? end.AddMinutes(15) : onset.AddMinutes(45);
        return new PostableAlert(labels, annotations, Rfc3339(started), Rfc3339(resolved ?? firingEndsAt),
            links.Link(AlertRule.PageOf(rule.Id), onset.AddMinutes(-15), windowEnd));
    }

    /// <summary>The labels Alertmanager knows the alert by (a silence made for it matches them all).</summary>
    public static Dictionary<string, string> LabelsOf(AlertRecord alert, AlertRule rule)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in SeriesKey.ParseLabels(alert.Labels))
        {
            labels[label.Name] = label.Value;
        }

        labels["alertname"] = rule.Name;
        labels["severity"] = alert.Severity;
        labels["rule"] = rule.Id;
        return labels;
    }

    private static string Rfc3339(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) =>
        span.TotalSeconds < 120 ? $"{span.TotalSeconds:0} s" : span.TotalMinutes < 120 ? $"{span.TotalMinutes:0.#} min" : $"{span.TotalHours:0.#} h";
}
