using X0tta6bl4.Ops.Dashboard.Reports.Exports;
using X0tta6bl4.Ops.Metrics.Reports;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>Kept reports for the page: the list, one opened as it was frozen, or one compared with another kept one.</summary>
public sealed class SavedReports(SqlReportStore store)
{
    public Task<IReadOnlyList<SavedReport>> ListAsync(CancellationToken ct) => store.ListAsync(100, ct);

    /// <summary>
    /// The kept report, and with <paramref name="againstId"/> its figures compared with that one's. Kept reports hold
    /// no per-step readings, so the comparison uses the rule for figures without steps (a move of 10 % or more).
    /// </summary>
    public async Task<(ReportModel? Model, string? Problem)> OpenAsync(long id, long? againstId, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { ModelJson: { } json } saved)
        {
            return (null, $"There is no saved report {id}.");
        }

        var model = ReportJson.Parse(json);
        if (againstId is not { } other)
        {
            return (model, null);
        }

        if (await store.GetAsync(other, ct) is not { ModelJson: { } otherJson } against)
        {
            return (model, $"There is no saved report {other} to compare with; showing report {id} as it was saved.");
        }

        var otherModel = ReportJson.Parse(otherJson);
        return (model with
        {
            ComparedWith = $"saved report {against.Id} '{against.Name}' ({otherModel.Window.Label})",
            ComparedWindow = otherModel.Window,
            Sections = FigureComparison.CompareAll(model.Sections, otherModel.Sections.SelectMany(s => s.Figures)),
        }, null);
    }
}
