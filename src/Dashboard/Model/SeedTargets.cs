namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>
/// Warning levels from the seed report that no SLA row sets. The SLA targets themselves come from
/// <see cref="X0tta6bl4.Ops.Metrics.Settings.SlaTargets"/>, never from here.
/// </summary>
public static class SeedTargets
{
    /// <summary>Pool use above this share of the maximum is a warning sign (the seed's "pool exhaustion").</summary>
    public const double PoolUsage = 0.8;

    /// <summary>The seed's DB and Redis hit ratio baselines are ≥ 95 % and 92 %; below 90 % is worth a look.</summary>
    public const double HitRatio = 0.9;

    /// <summary>
    /// The seed report's §6 SLA table, as printed there: the "baseline" column the SLA page and the report show beside
    /// the measurement (an operator's measured baseline replaces it on the page). One home, by the SLA row's id.
    /// </summary>
    private static readonly Dictionary<string, string> SlaBaselines = new(StringComparer.Ordinal)
    {
        ["p95"] = "150 ms",
        ["p99"] = "250 ms",
        ["errors"] = "0.1 %",
        ["throughput"] = "500 req/s",
        ["cpu"] = "100 m",
        ["memory"] = "350 MB",
        ["availability"] = "99.9 %",
    };

    /// <summary>
    /// What a baseline cell says: the operator's measured baseline when there is one (it wins over the seed's printed
    /// figure), else the seed's.
    /// </summary>
    public static string BaselineText(X0tta6bl4.Ops.Metrics.Settings.SlaSettings settings, string id) =>
        settings.Baselines.TryGetValue(id, out var measured) ? $"{measured.Display} (measured, {measured.Note})" : $"{Baseline(id)} (seed report)";

    /// <summary>The seed's printed baseline of an SLA row; a row the seed has not is a programming error.</summary>
    public static string Baseline(string id) =>
        SlaBaselines.TryGetValue(id, out var printed) ? printed : throw new ArgumentException($"The seed's SLA table has no row '{id}'.", nameof(id));
}
