namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>The targets of the seed report's SLA table (§6), used to colour figures until SLA targets become editable.</summary>
public static class SeedTargets
{
    public const double P95Seconds = 0.200;
    public const double P99Seconds = 0.500;
    public const double ErrorRate = 0.01;
    public const double CpuMillicores = 500;
    public const double MemoryBytes = 1L << 30;

    /// <summary>Pool use above this share of the maximum is a warning sign (the seed's "pool exhaustion").</summary>
    public const double PoolUsage = 0.8;

    /// <summary>The seed's DB and Redis hit ratio baselines are ≥ 95 % and 92 %; below 90 % is worth a look.</summary>
    public const double HitRatio = 0.9;
}
