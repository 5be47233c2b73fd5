using System.Security.Claims;
using X0tta6bl4.Ops.Collector.Alerts.Delivery;
using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Dashboard.Model.Changes;

/// <summary>An acknowledgement as typed on the page; <paramref name="Silence"/> as <see cref="AlertChanges.AcknowledgeAsync(ClaimsPrincipal, long, string?, string?, string?, CancellationToken)"/> takes it.</summary>
public sealed record AckRequest(long Id, string Owner, string Comment, string? Silence = null);

/// <summary>
/// Acknowledging alerts: operators only, with an owner and a comment, once per alert; optionally silencing the alert
/// in Alertmanager as well (Karma's ack-as-silence), for a time or until it resolves.
/// </summary>
public sealed class AlertChanges(SqlAlertStore alerts, AlertRules rules, SilenceChanges silences, TimeProvider time)
{
    /// <summary>The choice "silence it until it resolves"; any other non-empty choice is a duration (1h, 4h …).</summary>
    public const string UntilResolved = "resolved";

    /// <summary>How long a silence "until it resolves" may last if the alert never resolves (the delivery expires it at resolution).</summary>
    public static readonly TimeSpan UntilResolvedAtMost = TimeSpan.FromDays(7);

    public async Task<ChangeResult> AcknowledgeAsync(ClaimsPrincipal user, long alertId, string? owner, string? comment, CancellationToken ct = default) =>
        await AcknowledgeAsync(user, alertId, owner, comment, silence: null, ct);

    /// <param name="silence">Null or empty: no silence; <see cref="UntilResolved"/>; or a duration such as 4h.</param>
    public async Task<ChangeResult> AcknowledgeAsync(ClaimsPrincipal user, long alertId, string? owner, string? comment, string? silence, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "acknowledge alerts") is { } refused)
        {
            return refused;
        }

        owner = owner?.Trim();
        comment = comment?.Trim();
        if (string.IsNullOrEmpty(owner) || string.IsNullOrEmpty(comment) || owner.Length > 100 || comment.Length > 1000)
        {
            return ChangeResult.Refused("An acknowledgement needs an owner (up to 100 characters) and a comment (up to 1,000).");
        }

        var until = string.IsNullOrWhiteSpace(silence) ? (TimeSpan?)null : silence == UntilResolved ? UntilResolvedAtMost : SilenceForm.ParseDuration(silence).Duration;
        if (until == TimeSpan.Zero)
        {
            return ChangeResult.Refused(SilenceForm.ParseDuration(silence).Problem!);
        }

        var by = ChangeResult.NameOf(user);
        var recorded = owner == by ? by : $"{owner} (by {by})";
        if (!await alerts.AcknowledgeAsync(alertId, recorded, comment, time.GetUtcNow().ToUnixTimeMilliseconds(), ct))
        {
            return ChangeResult.Refused("That alert was acknowledged already (or no longer exists).");
        }

        if (until is not { } duration)
        {
            return ChangeResult.Ok;
        }

        // The silence matches every label Alertmanager knows the alert by, and says who acknowledged it and why.
        var alert = (await alerts.OpenAlertsAsync(ct)).FirstOrDefault(a => a.Id == alertId);
        var rule = (await rules.LoadAsync(ct)).Rules.FirstOrDefault(r => r.Rule.Id == alert?.RuleId)?.Rule;
        if (alert is null || rule is null)
        {
            return new ChangeResult(true, "Acknowledged; not silenced, since the alert is no longer open.");
        }

        var made = await silences.CreateAsync(SilenceMatcher.ForAlert(alert, rule), duration, by, $"Acknowledged by {recorded}: {comment}", ct);
        if (!made.Done)
        {
            return new ChangeResult(true, $"Acknowledged, but not silenced: {made.Problems.Values.First()}");
        }

        await alerts.RecordSilenceAsync(alertId, made.SilenceId!, silence == UntilResolved, ct);
        return ChangeResult.Ok;
    }
}
