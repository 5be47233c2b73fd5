using System.Text.Json;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>The window an operator pinned as the report's baseline, kept in the settings store.</summary>
public sealed record PinnedBaseline(long FromMs, long ToMs, long StepMs, string By, long AtMs)
{
    public ReportWindow Window => new(DateTimeOffset.FromUnixTimeMilliseconds(FromMs), DateTimeOffset.FromUnixTimeMilliseconds(ToMs), StepMs);
}

public sealed class ReportBaseline(SqlSettingsStore settings)
{
    public const string Key = "report.baseline";

    public async Task<PinnedBaseline?> LoadAsync(CancellationToken ct)
    {
        if (await settings.GetAsync(Key, ct) is not { } stored)
        {
            return null;
        }

        var window = JsonSerializer.Deserialize<StoredWindow>(stored.Value);
        return window is null ? null : new PinnedBaseline(window.FromMs, window.ToMs, window.StepMs, stored.UpdatedBy, stored.UpdatedMs);
    }

    public Task SaveAsync(ReportWindow window, string by, long atMs, CancellationToken ct) =>
        settings.SetAsync(Key, JsonSerializer.Serialize(new StoredWindow(window.FromMs, window.ToMs, window.StepMs)), by, atMs, ct);

    private sealed record StoredWindow(long FromMs, long ToMs, long StepMs);
}
