using System.Net.Http.Json;
using System.Text.Json;

namespace X0tta6bl4.Ops.Api.Tests;

internal static class Json
{
    public static async Task<JsonElement> ReadAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<Guid> CreateMeshAsync(this HttpClient client, string? name = null)
    {
        var response = await client.PostAsJsonAsync("/api/v1/meshes", new { name = name ?? "mesh-" + Guid.NewGuid().ToString("N")[..8], region = "eu" });
        response.EnsureSuccessStatusCode();
        return (await response.ReadAsync()).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> RegisterNodeAsync(this HttpClient client, Guid meshId, string name)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/meshes/{meshId}/nodes", new { name, address = "10.0.0.1" });
        response.EnsureSuccessStatusCode();
        return (await response.ReadAsync()).GetProperty("id").GetGuid();
    }
}
