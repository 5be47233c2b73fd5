using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Metrics.Settings;

/// <summary>The SLA targets in force: configuration (section "Sla") and the operators' changes over it.</summary>
public sealed record EffectiveSla(SlaOptions Targets, SlaSettings Settings);

/// <summary>
/// The one source of the SLA targets: the tiles' colours, the SLA page, the SLA-derived alert rules and the
/// Capacity page's p95 limit all read them here, from the store, so an operator's change on one dashboard
/// applies everywhere at the next read, without a restart.
/// </summary>
public sealed class SlaTargets(IOptions<SlaOptions> configured, SqlSettingsStore settings)
{
    public SlaOptions Configured => configured.Value;

    public async Task<EffectiveSla> LoadAsync(CancellationToken ct)
    {
        var stored = await settings.GetAsync(SlaSettings.Key, ct);
        var current = stored is { } s ? SlaSettings.Parse(s.Value, s.UpdatedBy, s.UpdatedMs) : new SlaSettings([], [], null, null);
        return new EffectiveSla(current.Apply(configured.Value), current);
    }

    /// <summary>Writes the operators' SLA settings (callers check the role and validate first).</summary>
    public Task SaveAsync(SlaSettings changed, string by, long atMs, CancellationToken ct) =>
        settings.SetAsync(SlaSettings.Key, changed.ToJson(), by, atMs, ct);
}
