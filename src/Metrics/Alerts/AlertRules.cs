using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>Where a rule's threshold comes from, in the order later ones win.</summary>
public enum ThresholdOrigin
{
    /// <summary>The rule's built-in default (rules no SLA row governs).</summary>
    Default,

    /// <summary>The SLA target in force (configuration plus operators' changes on the SLA page).</summary>
    SlaTarget,

    /// <summary>Alerts:Rules:{id}:Threshold in configuration.</summary>
    Configuration,

    /// <summary>An operator typed it on the Alerts page.</summary>
    Operator,
}

public sealed record EffectiveRule(AlertRule Rule, bool Enabled, ThresholdOrigin ThresholdFrom);

/// <summary>Every rule as it stands, switched-off ones included (so the page can switch them on again).</summary>
public sealed record RuleSet(IReadOnlyList<EffectiveRule> Rules, RuleOverrides Overrides)
{
    /// <summary>The SLA targets in force, which the burn-rate rules' objectives come from.</summary>
    public SlaOptions Targets { get; init; } = new();

    /// <summary>The rules the evaluator runs.</summary>
    public IReadOnlyList<AlertRule> Active => Rules.Where(r => r.Enabled).Select(r => r.Rule).ToList();
}

/// <summary>
/// The alert rules in force, read from the store at each use: the defaults, their SLA targets, configuration
/// (section "Alerts"), then the operators' changes. The collector evaluates these and the pages show these.
/// </summary>
public sealed class AlertRules(IOptions<AlertOptions> configured, SlaTargets sla, SqlSettingsStore settings)
{
    public async Task<RuleSet> LoadAsync(CancellationToken ct)
    {
        var targets = (await sla.LoadAsync(ct)).Targets;
        var stored = await settings.GetAsync(RuleOverrides.Key, ct);
        var overrides = stored is { } s ? RuleOverrides.Parse(s.Value, s.UpdatedBy, s.UpdatedMs) : RuleOverrides.None;
        return Resolve(AlertRule.Defaults, targets, configured.Value.Rules, overrides) with { Targets = targets };
    }

    /// <summary>Writes the operators' rule changes (callers check the role and validate first).</summary>
    public Task SaveAsync(RuleOverrides changed, string by, long atMs, CancellationToken ct) =>
        settings.SetAsync(RuleOverrides.Key, changed.ToJson(), by, atMs, ct);

    public static RuleSet Resolve(
        IReadOnlyList<AlertRule> defaults, SlaOptions targets, IReadOnlyDictionary<string, AlertOptions.RuleOverride> configuration, RuleOverrides operators)
    {
        var rules = new List<EffectiveRule>();
        foreach (var rule in defaults)
        {
            var effective = rule;
            var origin = ThresholdOrigin.Default;
            var enabled = true;
            if (AlertRule.SlaThreshold(rule.Id, targets) is { } fromSla)
            {
                (effective, origin) = (effective with { Threshold = fromSla }, ThresholdOrigin.SlaTarget);
            }

            foreach (var (change, source) in new[] { (configuration.GetValueOrDefault(rule.Id), ThresholdOrigin.Configuration), (operators.Rules.GetValueOrDefault(rule.Id), ThresholdOrigin.Operator) })
            {
                if (change is null)
                {
                    continue;
                }

                if (change.Threshold is { } threshold)
                {
                    (effective, origin) = (effective with { Threshold = threshold }, source);
                }

                if (change.ForSeconds is { } seconds)
                {
                    effective = effective with { For = TimeSpan.FromSeconds(seconds) };
                }

                enabled = change.Enabled;
            }

            rules.Add(new EffectiveRule(effective, enabled, origin));
        }

        return new RuleSet(rules, operators);
    }
}
