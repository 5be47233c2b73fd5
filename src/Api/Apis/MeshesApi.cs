using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Api.Cache;
using X0tta6bl4.Ops.Api.Data;
using X0tta6bl4.Ops.Api.Domain;

namespace X0tta6bl4.Ops.Api.Apis;

public static class MeshesApi
{
    public const int MaxBulkNodes = 1000;

    public static IEndpointRouteBuilder MapMeshesApi(this IEndpointRouteBuilder app)
    {
        var meshes = app.MapGroup("/api/v1/meshes");
        meshes.MapGet("/", ListMeshes);
        meshes.MapPost("/", CreateMesh);
        meshes.MapGet("/{meshId:guid}", GetMesh);
        meshes.MapGet("/{meshId:guid}/nodes", ListNodes);
        meshes.MapPost("/{meshId:guid}/nodes", RegisterNode);
        meshes.MapPost("/{meshId:guid}/nodes/bulk", BulkRegisterNodes);
        meshes.MapGet("/{meshId:guid}/topology", GetTopology);
        meshes.MapPost("/{meshId:guid}/links", CreateLink);
        return app;
    }

    public static string TopologyKey(Guid meshId) => $"topology:{meshId:N}";

    private static async Task<Ok<IReadOnlyList<Mesh>>> ListMeshes(MeshRepository repository, CancellationToken ct) =>
        TypedResults.Ok(await repository.ListMeshesAsync(ct));

    private static async Task<Results<Created<Mesh>, ValidationProblem, Conflict<ProblemDetailsBody>>> CreateMesh(
        CreateMeshRequest request, MeshRepository repository, CancellationToken ct)
    {
        var errors = Validation.Errors();
        Validation.Text(errors, "name", request.Name, 100);
        Validation.Text(errors, "region", request.Region, 50, required: false);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var mesh = await repository.CreateMeshAsync(request.Name!.Trim(), request.Region?.Trim(), ct);
        return mesh is null
            ? TypedResults.Conflict(new ProblemDetailsBody("Conflict", $"A mesh named '{request.Name}' exists already."))
            : TypedResults.Created($"/api/v1/meshes/{mesh.Id}", mesh);
    }

    private static async Task<Results<Ok<Mesh>, NotFound>> GetMesh(Guid meshId, MeshRepository repository, CancellationToken ct) =>
        await repository.GetMeshAsync(meshId, ct) is { } mesh ? TypedResults.Ok(mesh) : TypedResults.NotFound();

    private static async Task<Results<Ok<IReadOnlyList<MeshNode>>, NotFound>> ListNodes(Guid meshId, MeshRepository repository, CancellationToken ct) =>
        await repository.GetMeshAsync(meshId, ct) is null ? TypedResults.NotFound() : TypedResults.Ok(await repository.ListNodesAsync(meshId, ct));

    private static async Task<Results<Created<MeshNode>, ValidationProblem, NotFound>> RegisterNode(
        Guid meshId, RegisterNodeRequest request, MeshRepository repository, RedisCache cache, CancellationToken ct)
    {
        var errors = Validation.Errors();
        Validation.Text(errors, "name", request.Name, 100);
        Validation.Text(errors, "address", request.Address, 200);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var node = await repository.RegisterNodeAsync(meshId, request.Name!.Trim(), request.Address!.Trim(), ct);
        if (node is null)
        {
            return TypedResults.NotFound();
        }

        await cache.InvalidateAsync(TopologyKey(meshId));
        return TypedResults.Created($"/api/v1/nodes/{node.Id}", node);
    }

    private static async Task<Results<Created<BulkResult>, ValidationProblem, NotFound>> BulkRegisterNodes(
        Guid meshId, List<RegisterNodeRequest>? nodes, MeshRepository repository, RedisCache cache, CancellationToken ct)
    {
        var errors = Validation.Errors();
        if (nodes is null || nodes.Count == 0 || nodes.Count > MaxBulkNodes)
        {
            errors["nodes"] = [$"Send between 1 and {MaxBulkNodes} nodes."];
        }
        else
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                Validation.Text(errors, $"nodes[{i}].name", nodes[i].Name, 100);
                Validation.Text(errors, $"nodes[{i}].address", nodes[i].Address, 200);
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var count = await repository.BulkRegisterNodesAsync(meshId, nodes!, ct);
        if (count is null)
        {
            return TypedResults.NotFound();
        }

        await cache.InvalidateAsync(TopologyKey(meshId));
        return TypedResults.Created($"/api/v1/meshes/{meshId}/nodes", new BulkResult(count.Value));
    }

    private static async Task<Results<ContentHttpResult, NotFound>> GetTopology(
        Guid meshId, MeshRepository repository, RedisCache cache, IOptions<CacheOptions> options, CancellationToken ct)
    {
        var json = await cache.GetOrLoadJsonAsync("topology", TopologyKey(meshId),
            TimeSpan.FromSeconds(options.Value.TopologyTtlSeconds), () => repository.GetTopologyAsync(meshId, ct));
        return json is null ? TypedResults.NotFound() : TypedResults.Content(json, "application/json");
    }

    private static async Task<Results<Created, ValidationProblem, NotFound>> CreateLink(
        Guid meshId, CreateLinkRequest request, MeshRepository repository, RedisCache cache, CancellationToken ct)
    {
        var errors = Validation.Errors();
        if (request.FromNodeId is null)
        {
            errors["fromNodeId"] = ["'fromNodeId' is required."];
        }

        if (request.ToNodeId is null)
        {
            errors["toNodeId"] = ["'toNodeId' is required."];
        }
        else if (request.ToNodeId == request.FromNodeId)
        {
            errors["toNodeId"] = ["A node cannot link to itself."];
        }

        Validation.Latency(errors, "latencyMs", request.LatencyMs);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await repository.CreateLinkAsync(meshId, request.FromNodeId!.Value, request.ToNodeId!.Value, request.LatencyMs, ct);
        if (result == LinkResult.NodesNotInMesh)
        {
            return TypedResults.NotFound();
        }

        await cache.InvalidateAsync(TopologyKey(meshId));
        return TypedResults.Created();
    }
}

public sealed record BulkResult(int Registered);

public sealed record ProblemDetailsBody(string Title, string Detail);
