using System.Security.Claims;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Dashboard.Model.Changes;

/// <summary>Operators' changes to the SLA targets and baselines, validated, kept in the store with who made them.</summary>
public sealed class SlaChanges(SlaTargets targets, TimeProvider time)
{
    public async Task<ChangeResult> SetTargetAsync(ClaimsPrincipal user, string id, double value, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "change SLA targets") is { } refused)
        {
            return refused;
        }

        if (SlaSettings.Problem(id, value) is { } problem)
        {
            return ChangeResult.Refused(problem);
        }

        var settings = (await targets.LoadAsync(ct)).Settings;
        settings.Targets[id] = value;
        await targets.SaveAsync(settings, ChangeResult.NameOf(user), time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return ChangeResult.Ok;
    }

    /// <summary>Sets each row's baseline from its current value over the window the page shows.</summary>
    public async Task<ChangeResult> SetBaselinesAsync(ClaimsPrincipal user, SlaModel model, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "set baselines") is { } refused)
        {
            return refused;
        }

        var measured = model.Rows.Where(r => r.Result.Current is not null).ToList();
        if (measured.Count == 0)
        {
            return ChangeResult.Refused("No row has data in this window.");
        }

        var now = time.GetUtcNow();
        var settings = (await targets.LoadAsync(ct)).Settings;
        var note = $"{model.WindowKey} to {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
        foreach (var row in measured)
        {
            settings.Baselines[row.Id] = new MeasuredBaseline(row.Result.Current!.Value, row.Current, note);
        }

        await targets.SaveAsync(settings, ChangeResult.NameOf(user), now.ToUnixTimeMilliseconds(), ct);
        return ChangeResult.Ok;
    }
}
