using System.Text.Json;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Collector.Alerts;

/// <summary>Changes operators make to the rules on the Alerts page, kept in the settings table; applied over the configured rules.</summary>
public sealed record RuleOverrides(Dictionary<string, AlertOptions.RuleOverride> Rules, string? UpdatedBy, long? UpdatedMs)
{
    public const string Key = "alert-rules";

    public IReadOnlyList<AlertRule> Apply(IReadOnlyList<AlertRule> rules) => new AlertOptions { Rules = Rules }.Apply(rules);

    /// <summary>Why a change is not usable, or null when it is.</summary>
    public static string? Problem(string ruleId, double threshold, int forSeconds) =>
        !AlertRule.Defaults.Any(r => r.Id == ruleId) ? $"'{ruleId}' is not a rule."
        : !double.IsFinite(threshold) ? "The threshold must be a number."
        : forSeconds is < 0 or > 86_400 ? "'For' must be between 0 and 86400 seconds."
        : null;

    public static async Task<RuleOverrides> LoadAsync(SqlSettingsStore store, CancellationToken ct)
    {
        var stored = await store.GetAsync(Key, ct);
        return stored is null
            ? new RuleOverrides([], null, null)
            : new RuleOverrides(JsonSerializer.Deserialize<Dictionary<string, AlertOptions.RuleOverride>>(stored.Value.Value) ?? [], stored.Value.UpdatedBy, stored.Value.UpdatedMs);
    }

    public Task SaveAsync(SqlSettingsStore store, string by, long atMs, CancellationToken ct) =>
        store.SetAsync(Key, JsonSerializer.Serialize(Rules), by, atMs, ct);
}
