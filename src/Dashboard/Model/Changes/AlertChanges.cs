using System.Security.Claims;
using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Dashboard.Model.Changes;

/// <summary>Acknowledging alerts: operators only, with an owner and a comment, once per alert.</summary>
public sealed class AlertChanges(SqlAlertStore alerts, TimeProvider time)
{
    public async Task<ChangeResult> AcknowledgeAsync(ClaimsPrincipal user, long alertId, string? owner, string? comment, CancellationToken ct = default)
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

        var by = ChangeResult.NameOf(user);
        var recorded = owner == by ? by : $"{owner} (by {by})";
        return await alerts.AcknowledgeAsync(alertId, recorded, comment, time.GetUtcNow().ToUnixTimeMilliseconds(), ct)
            ? ChangeResult.Ok
            : ChangeResult.Refused("That alert was acknowledged already (or no longer exists).");
    }
}
