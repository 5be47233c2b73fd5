namespace X0tta6bl4.Ops.Api.Domain;

public sealed record Mesh(Guid Id, string Name, string? Region, DateTimeOffset CreatedAt, int NodeCount);

public sealed record MeshNode(
    Guid Id,
    Guid MeshId,
    string Name,
    string Address,
    string Status,
    double? LatencyMs,
    DateTimeOffset RegisteredAt,
    DateTimeOffset? LastHeartbeatAt,
    int HealCount)
{
    /// <summary>Seconds since registration: how long the node has been part of the mesh.</summary>
    public double UptimeSeconds(DateTimeOffset now) => Math.Max(0, (now - RegisteredAt).TotalSeconds);
}

public sealed record NodeHealth(Guid NodeId, string Status, double? LatencyMs, DateTimeOffset? LastHeartbeatAt, double UptimeSeconds);

public sealed record MeshLink(Guid FromNodeId, Guid ToNodeId, double? LatencyMs);

public sealed record Topology(Guid MeshId, string MeshName, IReadOnlyList<MeshNode> Nodes, IReadOnlyList<MeshLink> Links);

public sealed record HealRequest(Guid Id, Guid NodeId, string Reason, string State, DateTimeOffset RequestedAt);

/// <summary>Node health as the real mesh service reports it.</summary>
public static class NodeStatus
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Down = "down";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Healthy, Degraded, Down };
}
