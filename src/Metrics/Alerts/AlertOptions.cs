using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>Section "Alerts": how often rules are evaluated, and per-rule changes to the defaults.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 15;

    /// <summary>By rule id (e.g. "latency-p95"): a different threshold or "for" duration, or the rule switched off.</summary>
    public Dictionary<string, RuleOverride> Rules { get; set; } = [];

    /// <summary>The local stack's Alertmanager (scripts/stack), where alerts go when no Alertmanager is configured.</summary>
    public const string StackAlertmanager = "http://127.0.0.1:59093";

    /// <summary>
    /// Alertmanagers to send firing and resolved alerts to (each of an HA pair alike). Unset: the local stack's; set
    /// <c>Alerts:Alertmanagers:0:Url</c> to an empty value to send them nowhere.
    /// </summary>
    public List<AlertmanagerTarget>? Alertmanagers { get; set; }

    /// <summary>The Alertmanagers in force: the configured ones with a URL, or the stack's when none is configured.</summary>
    public IReadOnlyList<AlertmanagerTarget> DeliverTo =>
        Alertmanagers is null ? [new AlertmanagerTarget { Url = StackAlertmanager }] : Alertmanagers.Where(a => !string.IsNullOrWhiteSpace(a.Url)).ToList();

    /// <summary>How often a firing alert is sent again (as Prometheus's resend delay); a resolved one is sent again for 15 minutes.</summary>
    public int ResendSeconds { get; set; } = 60;

    public sealed class RuleOverride
    {
        public double? Threshold { get; set; }

        public int? ForSeconds { get; set; }

        public bool Enabled { get; set; } = true;

        /// <summary>A runbook for the rule's alerts, sent as the runbook_url annotation (configuration only).</summary>
        public string? RunbookUrl { get; set; }
    }
}

/// <summary>One Alertmanager (<c>Alerts:Alertmanagers:N</c>): its address and how to authenticate to it.</summary>
public sealed class AlertmanagerTarget
{
    /// <summary>Its base address, e.g. http://alertmanager:9093; alerts are posted to {Url}/api/v2/alerts.</summary>
    public string Url { get; set; } = "";

    /// <summary>Headers sent with every post (an API key of a gateway in front of it), as Sources:Prometheus:Headers.</summary>
    public List<HeaderSetting> Headers { get; set; } = [];

    /// <summary>HTTP basic authentication: user and password, both or neither.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public int TimeoutSeconds { get; set; } = 10;
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

        if (options.ResendSeconds is < 1 or > 3600)
        {
            errors.Add($"Alerts:ResendSeconds must be between 1 and 3600 (was {options.ResendSeconds}).");
        }

        for (var i = 0; i < (options.Alertmanagers?.Count ?? 0); i++)
        {
            var target = options.Alertmanagers![i];
            if (!string.IsNullOrWhiteSpace(target.Url)
                && !(Uri.TryCreate(target.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                errors.Add($"Alerts:Alertmanagers:{i}:Url must be an absolute http or https address (was '{target.Url}').");
            }

            HeaderSettings.Check(errors, $"Alerts:Alertmanagers:{i}:Headers", target.Headers);
            if (string.IsNullOrEmpty(target.Username) != string.IsNullOrEmpty(target.Password))
            {
                errors.Add($"Alerts:Alertmanagers:{i}: set both Username and Password for basic authentication, or neither.");
            }

            if (target.TimeoutSeconds is < 1 or > 300)
            {
                errors.Add($"Alerts:Alertmanagers:{i}:TimeoutSeconds must be between 1 and 300 (was {target.TimeoutSeconds}).");
            }
        }

        foreach (var (id, rule) in options.Rules.Where(r => r.Value.RunbookUrl is { Length: > 0 }))
        {
            if (!Uri.TryCreate(rule.RunbookUrl, UriKind.Absolute, out _))
            {
                errors.Add($"Alerts:Rules:{id}:RunbookUrl must be an absolute address (was '{rule.RunbookUrl}').");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
