using System.Text.Json.Serialization;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>A label matcher of Alertmanager's API v2: <c>=</c>, <c>!=</c>, <c>=~</c> or <c>!~</c> by its two flags.</summary>
public sealed record SilenceMatcher(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value,
    [property: JsonPropertyName("isRegex")] bool IsRegex,
    [property: JsonPropertyName("isEqual")] bool IsEqual = true)
{
    public string Operator => (IsEqual, IsRegex) switch { (true, false) => "=", (false, false) => "!=", (true, true) => "=~", (false, true) => "!~" };

    public override string ToString() => $"{Name}{Operator}\"{Value}\"";

    /// <summary>Equality matchers on every label Alertmanager knows an alert by: a silence of that alert alone.</summary>
    public static IReadOnlyList<SilenceMatcher> ForAlert(X0tta6bl4.Ops.Metrics.Alerts.AlertRecord alert, X0tta6bl4.Ops.Metrics.Alerts.AlertRule rule) =>
        PostableAlert.LabelsOf(alert, rule).OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new SilenceMatcher(l.Key, l.Value, IsRegex: false)).ToList();

    /// <summary>As Alertmanager matches: a missing label is the empty string; a regex is anchored at both ends.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var actual = labels.GetValueOrDefault(Name, "");
        var equal = IsRegex ? System.Text.RegularExpressions.Regex.IsMatch(actual, $"^(?:{Value})$") : actual == Value;
        return equal == IsEqual;
    }
}

/// <summary>A silence to create (<c>POST /api/v2/silences</c>, its postableSilence).</summary>
public sealed record PostableSilence(
    [property: JsonPropertyName("matchers")] IReadOnlyList<SilenceMatcher> Matchers,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("createdBy")] string CreatedBy,
    [property: JsonPropertyName("comment")] string Comment);

public sealed record SilenceStatus([property: JsonPropertyName("state")] string State);

/// <summary>A silence as <c>GET /api/v2/silences</c> returns it; state is active, pending or expired.</summary>
public sealed record GettableSilence(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("matchers")] IReadOnlyList<SilenceMatcher> Matchers,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("endsAt")] DateTimeOffset EndsAt,
    [property: JsonPropertyName("createdBy")] string CreatedBy,
    [property: JsonPropertyName("comment")] string Comment,
    [property: JsonPropertyName("status")] SilenceStatus Status);

/// <summary>An alert's state in Alertmanager: active, suppressed (silenced or inhibited) or unprocessed.</summary>
public sealed record AlertStatus(
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("silencedBy")] IReadOnlyList<string> SilencedBy,
    [property: JsonPropertyName("inhibitedBy")] IReadOnlyList<string> InhibitedBy);

/// <summary>An alert as <c>GET /api/v2/alerts</c> returns it: ours and Prometheus's alike.</summary>
public sealed record GettableAlert(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string>? Annotations,
    [property: JsonPropertyName("startsAt")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("status")] AlertStatus Status,
    [property: JsonPropertyName("generatorURL")] string? GeneratorUrl);

/// <summary>The answer of <c>POST /api/v2/silences</c>.</summary>
public sealed record SilenceCreated([property: JsonPropertyName("silenceID")] string SilenceId);
