using System.Net.Http.Json;
using System.Text.Json;

namespace X0tta6bl4.Ops.Traffic;

/// <summary>
/// Sends a steady mix of Api calls: mostly cached reads, some writes, a little 4xx (unknown ids, bad
/// values), like a mesh's nodes and operators would. Requests are paced, not bursted.
/// </summary>
public sealed class TrafficGenerator(Uri api, double requestsPerSecond)
{
    private const int Nodes = 20;
    private readonly HttpClient _http = new() { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
    private readonly Random _random = new(42);
    private readonly Dictionary<int, int> _statusCounts = [];

    public async Task RunAsync(CancellationToken stop)
    {
        var (meshId, nodeIds) = await SetUpAsync(stop);
        Console.WriteLine($"traffic: {requestsPerSecond} req/s against {api} (mesh {meshId}, {nodeIds.Count} nodes)");
        var interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
        var next = DateTime.UtcNow;
        var lastReport = DateTime.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            next += interval;
            _ = SendOneAsync(meshId, nodeIds, stop); // paced, not awaited: it records its own outcome
            if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(30))
            {
                lock (_statusCounts)
                {
                    Console.WriteLine("traffic: " + string.Join(", ", _statusCounts.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));
                }

                lastReport = DateTime.UtcNow;
            }

            var wait = next - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>Creates (or finds) the "traffic" mesh with its nodes, waiting for the Api to be ready.</summary>
    private async Task<(Guid MeshId, List<Guid> NodeIds)> SetUpAsync(CancellationToken stop)
    {
        while (true)
        {
            try
            {
                var meshes = await _http.GetFromJsonAsync<JsonElement>("api/v1/meshes", stop);
                var mesh = meshes.EnumerateArray().FirstOrDefault(m => m.GetProperty("name").GetString() == "traffic");
                Guid meshId;
                if (mesh.ValueKind == JsonValueKind.Undefined)
                {
                    var created = await _http.PostAsJsonAsync("api/v1/meshes", new { name = "traffic", region = "local" }, stop);
                    created.EnsureSuccessStatusCode();
                    meshId = (await created.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetGuid();
                }
                else
                {
                    meshId = mesh.GetProperty("id").GetGuid();
                }

                var nodes = await _http.GetFromJsonAsync<JsonElement>($"api/v1/meshes/{meshId}/nodes", stop);
                var ids = nodes.EnumerateArray().Select(n => n.GetProperty("id").GetGuid()).ToList();
                for (var i = ids.Count; i < Nodes; i++)
                {
                    var node = await _http.PostAsJsonAsync($"api/v1/meshes/{meshId}/nodes", new { name = $"node-{i:D2}-{Guid.NewGuid():N}"[..16], address = $"10.42.0.{i + 1}" }, stop);
                    node.EnsureSuccessStatusCode();
                    ids.Add((await node.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("id").GetGuid());
                }

                return (meshId, ids);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                Console.WriteLine($"traffic: Api not ready ({e.Message}); retrying");
                await Task.Delay(2000, stop);
            }
        }
    }

    private async Task SendOneAsync(Guid meshId, List<Guid> nodeIds, CancellationToken stop)
    {
        int roll;
        Guid node;
        lock (_random)
        {
            roll = _random.Next(100);
            node = nodeIds[_random.Next(nodeIds.Count)];
        }

        try
        {
            using var response = roll switch
            {
                < 40 => await _http.GetAsync($"api/v1/meshes/{meshId}/topology", stop),
                < 60 => await _http.GetAsync($"api/v1/nodes/{node}/health", stop),
                < 75 => await _http.PostAsJsonAsync($"api/v1/nodes/{node}/heartbeat",
                    new { status = roll < 72 ? "healthy" : "degraded", latencyMs = 1 + roll % 20 }, stop),
                < 85 => await _http.GetAsync("api/v1/meshes", stop),
                < 92 => await _http.GetAsync($"api/v1/nodes/{node}", stop),
                < 95 => await _http.GetAsync($"api/v1/nodes/{Guid.NewGuid()}", stop), // 404
                < 98 => await _http.PostAsJsonAsync($"api/v1/nodes/{node}/heartbeat", new { status = "sideways" }, stop), // 400
                _ => await _http.PostAsJsonAsync($"api/v1/nodes/{node}/heal", new { reason = "traffic generator drill" }, stop),
            };
            Count((int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Count(0); // no answer: connection refused or timed out
        }
    }

    private void Count(int status)
    {
        lock (_statusCounts)
        {
            _statusCounts[status] = _statusCounts.GetValueOrDefault(status) + 1;
        }
    }
}
