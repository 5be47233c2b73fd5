using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Api.Cache;
using X0tta6bl4.Ops.Api.Data;
using X0tta6bl4.Ops.Api.Domain;

namespace X0tta6bl4.Ops.Api.Apis;

public static class NodesApi
{
    public static IEndpointRouteBuilder MapNodesApi(this IEndpointRouteBuilder app)
    {
        var nodes = app.MapGroup("/api/v1/nodes");
        nodes.MapGet("/{nodeId:guid}", GetNode);
        nodes.MapGet("/{nodeId:guid}/health", GetHealth);
        nodes.MapPost("/{nodeId:guid}/heartbeat", Heartbeat);
        nodes.MapPost("/{nodeId:guid}/heal", RequestHeal);
        nodes.MapGet("/{nodeId:guid}/heal", ListHealRequests);
        return app;
    }

    public static string HealthKey(Guid nodeId) => $"node-health:{nodeId:N}";

    private static async Task<Results<Ok<MeshNode>, NotFound>> GetNode(Guid nodeId, MeshRepository repository, CancellationToken ct) =>
        await repository.GetNodeAsync(nodeId, ct) is { } node ? TypedResults.Ok(node) : TypedResults.NotFound();

    private static async Task<Results<ContentHttpResult, NotFound>> GetHealth(
        Guid nodeId, MeshRepository repository, RedisCache cache, IOptions<CacheOptions> options, TimeProvider time, CancellationToken ct)
    {
        var json = await cache.GetOrLoadJsonAsync("node_health", HealthKey(nodeId), TimeSpan.FromSeconds(options.Value.NodeHealthTtlSeconds), async () =>
            await repository.GetNodeAsync(nodeId, ct) is { } node
                ? new NodeHealth(node.Id, node.Status, node.LatencyMs, node.LastHeartbeatAt, node.UptimeSeconds(time.GetUtcNow()))
                : null);
        return json is null ? TypedResults.NotFound() : TypedResults.Content(json, "application/json");
    }

    private static async Task<Results<Ok<MeshNode>, ValidationProblem, NotFound>> Heartbeat(
        Guid nodeId, HeartbeatRequest request, MeshRepository repository, RedisCache cache, CancellationToken ct)
    {
        var errors = Validation.Errors();
        if (request.Status is null || !NodeStatus.All.Contains(request.Status))
        {
            errors["status"] = ["'status' must be one of healthy, degraded, down."];
        }

        Validation.Latency(errors, "latencyMs", request.LatencyMs);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var node = await repository.RecordHeartbeatAsync(nodeId, request.Status!, request.LatencyMs, ct);
        if (node is null)
        {
            return TypedResults.NotFound();
        }

        await cache.InvalidateAsync(HealthKey(nodeId), MeshesApi.TopologyKey(node.MeshId));
        return TypedResults.Ok(node);
    }

    private static async Task<Results<Accepted<HealRequest>, ValidationProblem, NotFound>> RequestHeal(
        Guid nodeId, HealNodeRequest request, MeshRepository repository, CancellationToken ct)
    {
        var errors = Validation.Errors();
        Validation.Text(errors, "reason", request.Reason, 500);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var heal = await repository.RequestHealAsync(nodeId, request.Reason!.Trim(), ct);
        return heal is null ? TypedResults.NotFound() : TypedResults.Accepted($"/api/v1/nodes/{nodeId}/heal", heal);
    }

    private static async Task<Results<Ok<IReadOnlyList<HealRequest>>, NotFound>> ListHealRequests(Guid nodeId, MeshRepository repository, CancellationToken ct) =>
        await repository.GetNodeAsync(nodeId, ct) is null ? TypedResults.NotFound() : TypedResults.Ok(await repository.ListHealRequestsAsync(nodeId, ct));
}
