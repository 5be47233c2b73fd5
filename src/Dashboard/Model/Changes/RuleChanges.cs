using System.Security.Claims;
using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Dashboard.Model.Changes;

/// <summary>Operators' changes to the alert rules, validated, kept in the store; the collector applies them at its next evaluation.</summary>
public sealed class RuleChanges(AlertRules rules, TimeProvider time)
{
    /// <param name="threshold">Null keeps the threshold where it comes from now (an SLA target follows later changes to it).</param>
    public async Task<ChangeResult> SaveAsync(ClaimsPrincipal user, string ruleId, double? threshold, int forSeconds, bool enabled, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "change rules") is { } refused)
        {
            return refused;
        }

        if (RuleOverrides.Problem(ruleId, threshold, forSeconds) is { } problem)
        {
            return ChangeResult.Refused(problem);
        }

        var current = await rules.LoadAsync(ct);
        var overrides = current.Overrides.Rules;
        // A threshold the operator pinned earlier stays pinned unless replaced.
        var pinned = threshold ?? overrides.GetValueOrDefault(ruleId)?.Threshold;
        overrides[ruleId] = new AlertOptions.RuleOverride { Threshold = pinned, ForSeconds = forSeconds, Enabled = enabled };
        await rules.SaveAsync(current.Overrides, ChangeResult.NameOf(user), time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return ChangeResult.Ok;
    }

    /// <summary>Drops the operator's threshold: the rule goes back to its SLA target or configured value.</summary>
    public async Task<ChangeResult> UnpinThresholdAsync(ClaimsPrincipal user, string ruleId, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "change rules") is { } refused)
        {
            return refused;
        }

        var current = await rules.LoadAsync(ct);
        if (current.Overrides.Rules.GetValueOrDefault(ruleId) is not { Threshold: not null } change)
        {
            return ChangeResult.Refused($"'{ruleId}' has no threshold set by an operator.");
        }

        change.Threshold = null;
        await rules.SaveAsync(current.Overrides, ChangeResult.NameOf(user), time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return ChangeResult.Ok;
    }
}
