using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>Section "Alerts": how often rules are evaluated, and per-rule changes to the defaults.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 15;

    /// <summary>By rule id (e.g. "latency-p95"): a different threshold or "for" duration, or the rule switched off.</summary>
    public Dictionary<string, RuleOverride> Rules { get; set; } = [];

    public sealed class RuleOverride
    {
        public double? Threshold { get; set; }

        public int? ForSeconds { get; set; }

        public bool Enabled { get; set; } = true;
    }
}

public sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new List<string>();
        if (options.IntervalSeconds is < 1 or > 3600)
        {
            errors.Add($"Alerts:IntervalSeconds must be between 1 and 3600 (was {options.IntervalSeconds}).");
        }

        foreach (var (id, rule) in options.Rules)
        {
            if (!AlertRule.Defaults.Any(r => r.Id == id))
            {
                errors.Add($"Alerts:Rules:{id} names no rule; the rules are {string.Join(", ", AlertRule.Defaults.Select(r => r.Id))}.");
            }

            if (rule.ForSeconds is < 0 or > 86_400)
            {
                errors.Add($"Alerts:Rules:{id}:ForSeconds must be between 0 and 86400 (was {rule.ForSeconds}).");
            }

            if (rule.Threshold is { } t && !double.IsFinite(t))
            {
                errors.Add($"Alerts:Rules:{id}:Threshold must be a number.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
