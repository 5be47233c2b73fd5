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
}
