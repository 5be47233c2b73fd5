namespace X0tta6bl4.Ops.Api.Cache;

/// <summary>Section "Cache"; the connection string is ConnectionStrings:Redis.</summary>
public sealed class CacheOptions
{
    public const string Section = "Cache";

    /// <summary>How long a topology stays cached.</summary>
    public int TopologyTtlSeconds { get; set; } = 10;

    /// <summary>How long a node's health stays cached.</summary>
    public int NodeHealthTtlSeconds { get; set; } = 5;

    /// <summary>Prefix of every key, so several Api instances or tests can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "x0tta6bl4:";
}
