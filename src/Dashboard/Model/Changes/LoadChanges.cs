using System.Globalization;
using System.Security.Claims;
using X0tta6bl4.Ops.Dashboard.Model.LoadTests;
using X0tta6bl4.Ops.Metrics.LoadRuns;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Dashboard.Model.Changes;

/// <summary>Pinning the baseline run that others are compared with: operators only, a finished run only.</summary>
public sealed class LoadChanges(SqlLoadRunStore runs, SqlSettingsStore settings, TimeProvider time)
{
    public async Task<ChangeResult> PinBaselineAsync(ClaimsPrincipal user, long runId, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "pin the baseline run") is { } refused)
        {
            return refused;
        }

        if (await runs.GetAsync(runId, ct) is not { ResultJson: not null, Status: not LoadRunStatus.Running })
        {
            return ChangeResult.Refused($"Run {runId} has not finished with a result.");
        }

        await settings.SetAsync(LoadRunsQuery.BaselineKey, runId.ToString(CultureInfo.InvariantCulture), ChangeResult.NameOf(user), time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return ChangeResult.Ok;
    }
}
