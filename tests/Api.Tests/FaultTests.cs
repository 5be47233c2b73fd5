using System.Net;
using System.Net.Http.Json;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Api.Tests;

/// <summary>The seed's §8 faults, with real servers of the test's own stopped and restarted.</summary>
public class FaultTests
{
    [Fact]
    public async Task RedisDown_RequestsStillSucceedFromPostgres_ReadinessDegraded_CachingResumesWhenItReturns()
    {
        await using var redis = new RedisProcess();
        await redis.StartAsync();
        await using var factory = await ApiFactory.CreateAsync(StackEnvironment.PostgresConnection, redis.ConnectionString);
        var client = await factory.ReadyClientAsync();
        var mesh = await client.CreateMeshAsync();
        await client.RegisterNodeAsync(mesh, "n1");

        await redis.StopAsync();
        var whileDown = await client.GetAsync($"/api/v1/meshes/{mesh}/topology");
        var readinessResponse = await client.GetAsync("/health/ready");
        var readinessDown = await readinessResponse.ReadAsync();

        Assert.Equal(HttpStatusCode.OK, whileDown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readinessResponse.StatusCode); // Redis only makes us faster
        Assert.Equal("degraded", readinessDown.GetProperty("status").GetString());
        Assert.Equal("degraded", Check(readinessDown, "redis"));
        Assert.Equal("healthy", Check(readinessDown, "postgres"));

        await redis.StartAsync();
        await Eventually.UntilAsync(async () => (await (await client.GetAsync("/health/ready")).ReadAsync()).GetProperty("status").GetString() == "ready",
            TimeSpan.FromSeconds(30), "readiness to return to ready after Redis came back");
        var hitsBefore = Hits(await client.GetStringAsync("/metrics"));
        // A miss fills the cache and a later request hits it; the cache write need not have landed by the very next request.
        await Eventually.UntilAsync(async () =>
        {
            await client.GetAsync($"/api/v1/meshes/{mesh}/topology");
            return Hits(await client.GetStringAsync("/metrics"));
        }, hits => hits > hitsBefore, TimeSpan.FromSeconds(30), $"a topology cache hit after Redis came back (hits before: {hitsBefore})");
        var metricsAfter = await client.GetStringAsync("/metrics");
        Assert.Contains("result=\"error\"", metricsAfter);
    }

    [Fact]
    public async Task PostgresDown_Clear503s_NoCrash_RecoversByItselfWhenItReturns()
    {
        await using var postgres = new PostgresProcess();
        await postgres.InitAndStartAsync();
        await using var factory = await ApiFactory.CreateAsync(postgres.ConnectionString, StackEnvironment.RedisConnection);
        var client = await factory.ReadyClientAsync();
        await client.CreateMeshAsync("before-outage");

        await postgres.StopAsync();
        var list = await client.GetAsync("/api/v1/meshes");
        var create = await client.PostAsJsonAsync("/api/v1/meshes", new { name = "during-outage" });
        var readiness = await client.GetAsync("/health/ready");
        var readinessText = await readiness.Content.ReadAsStringAsync();
        var liveness = await client.GetAsync("/health");

        await postgres.StartAsync();
        await Eventually.UntilAsync(async () => (await client.GetAsync("/api/v1/meshes")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "the Api to answer 200 again after PostgreSQL came back");
        var meshes = await (await client.GetAsync("/api/v1/meshes")).ReadAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, list.StatusCode);
        Assert.Equal("Database unavailable", (await list.ReadAsync()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        var readinessBody = System.Text.Json.JsonDocument.Parse(readinessText).RootElement;
        Assert.Equal("down", readinessBody.GetProperty("status").GetString());
        Assert.Equal("unhealthy", Check(readinessBody, "postgres"));
        Assert.Equal("PostgreSQL does not answer", readinessBody.GetProperty("checks").GetProperty("postgres").GetProperty("description").GetString());
        Assert.DoesNotContain($"Port={postgres.Port}", readinessText); // no connection string
        Assert.DoesNotContain("refused", readinessText, StringComparison.OrdinalIgnoreCase); // no exception text
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
        Assert.Equal("before-outage", meshes[0].GetProperty("name").GetString());
    }

    private static string? Check(System.Text.Json.JsonElement readiness, string name) =>
        readiness.GetProperty("checks").GetProperty(name).GetProperty("status").GetString();

    private static double Hits(string metrics) => metrics.Split('\n')
        .Where(l => l.StartsWith("x0tta6bl4_cache_requests_total{cache=\"topology\",result=\"hit\"}", StringComparison.Ordinal))
        .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
        .DefaultIfEmpty(0).Single();
}
