using System.Net;
using System.Net.Http.Json;

namespace X0tta6bl4.Ops.Api.Tests;

/// <summary>The Api's endpoints against the real PostgreSQL and Redis of the stack.</summary>
public sealed class MeshApiTests : StackApiTest
{
    [Fact]
    public async Task CreateMesh_ThenGet_ReturnsIt_AndADuplicateNameIsAConflict()
    {
        var id = await Client.CreateMeshAsync("alpha");

        var mesh = await (await Client.GetAsync($"/api/v1/meshes/{id}")).ReadAsync();
        var duplicate = await Client.PostAsJsonAsync("/api/v1/meshes", new { name = "alpha" });

        Assert.Equal("alpha", mesh.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":\"   \"}", "name")]
    [InlineData("{\"name\":\"ok\",\"region\":\"RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR\"}", "region")]
    public async Task CreateMesh_BadField_Is400NamingTheField(string body, string field)
    {
        var response = await Client.PostAsync("/api/v1/meshes", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadAsync()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task UnknownIds_Are404()
    {
        var unknown = Guid.NewGuid();

        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/v1/meshes/{unknown}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/v1/meshes/{unknown}/topology")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetAsync($"/api/v1/nodes/{unknown}/health")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PostAsJsonAsync($"/api/v1/meshes/{unknown}/nodes", new { name = "n", address = "a" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PostAsJsonAsync($"/api/v1/nodes/{unknown}/heartbeat", new { status = "healthy" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client.PostAsJsonAsync($"/api/v1/nodes/{unknown}/heal", new { reason = "r" })).StatusCode);
    }

    [Fact]
    public async Task Heartbeat_BadStatusOrLatency_Is400NamingTheField()
    {
        var mesh = await Client.CreateMeshAsync();
        var node = await Client.RegisterNodeAsync(mesh, "n1");

        var badStatus = await Client.PostAsJsonAsync($"/api/v1/nodes/{node}/heartbeat", new { status = "sideways" });
        var badLatency = await Client.PostAsJsonAsync($"/api/v1/nodes/{node}/heartbeat", new { status = "healthy", latencyMs = -1 });

        Assert.True((await badStatus.ReadAsync()).GetProperty("errors").TryGetProperty("status", out _));
        Assert.True((await badLatency.ReadAsync()).GetProperty("errors").TryGetProperty("latencyMs", out _));
    }

    [Fact]
    public async Task Topology_IsCached_AndAHeartbeatInvalidatesIt()
    {
        var mesh = await Client.CreateMeshAsync();
        var a = await Client.RegisterNodeAsync(mesh, "a");
        var b = await Client.RegisterNodeAsync(mesh, "b");
        Assert.Equal(HttpStatusCode.Created, (await Client.PostAsJsonAsync($"/api/v1/meshes/{mesh}/links", new { fromNodeId = a, toNodeId = b, latencyMs = 3.5 })).StatusCode);

        var first = await (await Client.GetAsync($"/api/v1/meshes/{mesh}/topology")).ReadAsync();
        var hitsBefore = await CacheCountAsync("topology", "hit");
        await Client.GetAsync($"/api/v1/meshes/{mesh}/topology");
        var hitsAfter = await CacheCountAsync("topology", "hit");
        await Client.PostAsJsonAsync($"/api/v1/nodes/{a}/heartbeat", new { status = "down", latencyMs = 900 });
        var after = await (await Client.GetAsync($"/api/v1/meshes/{mesh}/topology")).ReadAsync();

        Assert.Equal(2, first.GetProperty("nodes").GetArrayLength());
        Assert.Equal(3.5, first.GetProperty("links")[0].GetProperty("latencyMs").GetDouble());
        Assert.True(hitsAfter > hitsBefore);
        var nodeA = after.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetGuid() == a);
        Assert.Equal("down", nodeA.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Heal_IsRecordedInATransactionAndListed()
    {
        var mesh = await Client.CreateMeshAsync();
        var node = await Client.RegisterNodeAsync(mesh, "n1");

        var heal = await Client.PostAsJsonAsync($"/api/v1/nodes/{node}/heal", new { reason = "packet loss" });
        var list = await (await Client.GetAsync($"/api/v1/nodes/{node}/heal")).ReadAsync();
        var after = await (await Client.GetAsync($"/api/v1/nodes/{node}")).ReadAsync();

        Assert.Equal(HttpStatusCode.Accepted, heal.StatusCode);
        Assert.Equal("packet loss", list[0].GetProperty("reason").GetString());
        Assert.Equal(1, after.GetProperty("healCount").GetInt32());
    }

    [Fact]
    public async Task BulkRegister_100Nodes_AllStored_AndADuplicateRejectsTheWholeBatch()
    {
        var mesh = await Client.CreateMeshAsync();
        var nodes = Enumerable.Range(0, 100).Select(i => new { name = $"bulk-{i}", address = $"10.0.1.{i}" }).ToList();

        var created = await Client.PostAsJsonAsync($"/api/v1/meshes/{mesh}/nodes/bulk", nodes);
        var again = await Client.PostAsJsonAsync($"/api/v1/meshes/{mesh}/nodes/bulk", new[] { new { name = "new-one", address = "x" }, new { name = "bulk-7", address = "x" } });
        var stored = await (await Client.GetAsync($"/api/v1/meshes/{mesh}/nodes")).ReadAsync();
        var tooMany = await Client.PostAsJsonAsync($"/api/v1/meshes/{mesh}/nodes/bulk", Enumerable.Range(0, 1001).Select(i => new { name = $"x{i}", address = "a" }));

        Assert.Equal(100, (await created.ReadAsync()).GetProperty("registered").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(100, stored.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    [Fact]
    public async Task Metrics_UseRouteTemplatesNotRawUrls()
    {
        var mesh = await Client.CreateMeshAsync();
        await Client.GetAsync($"/api/v1/meshes/{mesh}");

        var metrics = await Client.GetStringAsync("/metrics");

        Assert.Contains("endpoint=\"/api/v1/meshes/{meshId:guid}\"", metrics);
        Assert.DoesNotContain(mesh.ToString(), metrics);
        Assert.Contains("x0tta6bl4_db_query_duration_seconds_count{query=\"select\"}", metrics);
        Assert.Contains($"x0tta6bl4_db_pool_connections_max {X0tta6bl4.Ops.Api.Data.DatabaseOptions.DefaultMaxPoolSize}", metrics);
    }

    private async Task<double> CacheCountAsync(string cache, string result)
    {
        var metrics = await Client.GetStringAsync("/metrics");
        var prefix = $"x0tta6bl4_cache_requests_total{{cache=\"{cache}\",result=\"{result}\"}} ";
        var line = metrics.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
