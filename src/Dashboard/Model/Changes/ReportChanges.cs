using System.Security.Claims;
using X0tta6bl4.Ops.Dashboard.Reports;
using X0tta6bl4.Ops.Dashboard.Reports.Exports;
using X0tta6bl4.Ops.Metrics.Reports;

namespace X0tta6bl4.Ops.Dashboard.Model.Changes;

/// <summary>Operators keep reports, delete kept ones and pin the baseline window; checked and validated here.</summary>
public sealed class ReportChanges(SqlReportStore saved, ReportBaseline baseline, TimeProvider time)
{
    public const int MaxNameLength = 200;

    public async Task<(ChangeResult Result, long? Id)> SaveAsync(ClaimsPrincipal user, ReportModel model, string? name, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "save reports") is { } refused)
        {
            return (refused, null);
        }

        name = string.IsNullOrWhiteSpace(name) ? $"{model.Job ?? "report"} {model.Window.Label}" : name.Trim();
        if (name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            return (ChangeResult.Refused($"A report name is at most {MaxNameLength} characters, without control characters."), null);
        }

        var id = await saved.SaveAsync(name, model.Window.FromMs, model.Window.ToMs, model.Request.ToQuery(), ChangeResult.NameOf(user),
            time.GetUtcNow().ToUnixTimeMilliseconds(), ReportJson.Render(model), ct);
        return (ChangeResult.Ok, id);
    }

    public async Task<ChangeResult> DeleteAsync(ClaimsPrincipal user, long id, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "delete saved reports") is { } refused)
        {
            return refused;
        }

        return await saved.DeleteAsync(id, ct) ? ChangeResult.Ok : ChangeResult.Refused($"There is no saved report {id}.");
    }

    public async Task<ChangeResult> PinBaselineAsync(ClaimsPrincipal user, ReportWindow window, CancellationToken ct = default)
    {
        if (ChangeResult.UnlessOperator(user, "pin the baseline") is { } refused)
        {
            return refused;
        }

        await baseline.SaveAsync(window, ChangeResult.NameOf(user), time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        return ChangeResult.Ok;
    }
}
