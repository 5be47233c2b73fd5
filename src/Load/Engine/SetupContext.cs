using System.Net.Http.Json;
using System.Text.Json;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>What the x0tta6bl4 set-up made: the mesh and its nodes, for {meshId} and {nodeId}.</summary>
internal sealed record SetupContext(Guid MeshId, IReadOnlyList<Guid> NodeIds, long RequestsSent)
{
    /// <summary>
    /// Finds the mesh by name or creates it, then tops its nodes up to the count in one bulk registration — the
    /// routes of src/Api/Apis/MeshesApi.cs. Runs before the clock starts; its requests are counted apart.
    /// </summary>
    public static async Task<SetupContext> RunAsync(HttpClient client, Uri baseUri, MeshSetup setup, CancellationToken ct)
    {
        long sent = 0;
        async Task<JsonElement> Read(HttpResponseMessage response, string what)
        {
            sent++;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Set-up: {what} answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }

            return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        }

        var meshes = await Read(await client.GetAsync(new Uri(baseUri, "api/v1/meshes"), ct), "GET api/v1/meshes");
        var mesh = meshes.EnumerateArray().FirstOrDefault(m => m.GetProperty("name").GetString() == setup.MeshName);
        var meshId = mesh.ValueKind == JsonValueKind.Undefined
            ? (await Read(await client.PostAsJsonAsync(new Uri(baseUri, "api/v1/meshes"), new { name = setup.MeshName, region = setup.Region }, ct), "POST api/v1/meshes"))
                .GetProperty("id").GetGuid()
            : mesh.GetProperty("id").GetGuid();

        var nodesUri = new Uri(baseUri, $"api/v1/meshes/{meshId}/nodes");
        var nodes = (await Read(await client.GetAsync(nodesUri, ct), "GET nodes")).EnumerateArray().Select(n => n.GetProperty("id").GetGuid()).ToList();
        if (nodes.Count < setup.Nodes)
        {
            var missing = Enumerable.Range(nodes.Count, setup.Nodes - nodes.Count)
                .Select(i => new { name = $"load-{i:D4}-{Guid.NewGuid():N}"[..20], address = $"127.77.{i / 250}.{i % 250 + 1}" })
                .ToList();
            await Read(await client.PostAsJsonAsync(new Uri(baseUri, $"api/v1/meshes/{meshId}/nodes/bulk"), missing, ct), "POST nodes/bulk");
            nodes = (await Read(await client.GetAsync(nodesUri, ct), "GET nodes")).EnumerateArray().Select(n => n.GetProperty("id").GetGuid()).ToList();
        }

        return new SetupContext(meshId, nodes.Take(setup.Nodes).ToList(), sent);
    }
}
