using System.Text.Json;

namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>
/// Changes operators make to the rules on the Alerts page, kept in the settings table. A null threshold
/// leaves the rule on its SLA target or configured value; only a threshold an operator typed pins it.
/// </summary>
public sealed record RuleOverrides(Dictionary<string, AlertOptions.RuleOverride> Rules, string? UpdatedBy, long? UpdatedMs)
{
    public const string Key = "alert-rules";

    /// <summary>No changes yet: a new instance each time, since callers change the dictionary they are given.</summary>
    public static RuleOverrides None => new([], null, null);

    /// <summary>Why a change is not usable, or null when it is.</summary>
    public static string? Problem(string ruleId, double? threshold, int forSeconds) =>
        !AlertRule.Defaults.Any(r => r.Id == ruleId) ? $"'{ruleId}' is not a rule."
        : threshold is { } t && !double.IsFinite(t) ? "The threshold must be a number."
        : forSeconds is < 0 or > 86_400 ? "'For' must be between 0 and 86400 seconds."
        : null;

    public static RuleOverrides Parse(string json, string? updatedBy, long? updatedMs) =>
        new(JsonSerializer.Deserialize<Dictionary<string, AlertOptions.RuleOverride>>(json) ?? [], updatedBy, updatedMs);

    public string ToJson() => JsonSerializer.Serialize(Rules);
}
