using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using static X0tta6bl4.Ops.Collector.Tests.ScriptedHttpServer;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>The Prometheus client's pipeline (retries, timeouts, breaker) against a scripted loopback server.</summary>
public class PrometheusResilienceTests
{
    private static PrometheusClient Client(ScriptedHttpServer server, int attempts = 3, int timeoutSeconds = 10) =>
        new(PrometheusHttp.CreateClient(new PrometheusSourceOptions { Url = server.Url.ToString(), Attempts = attempts, TimeoutSeconds = timeoutSeconds }));

    [Fact]
    public async Task Query_Two503sThenAnAnswer_IsRetriedAndAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(
            Error(503, "unavailable", "busy"), Error(503, "unavailable", "busy"), Vector(42));

        var result = await Client(server).QueryAsync("up", null, ct);

        Assert.Equal(3, server.Requests);
        Assert.Equal(42, result.Samples.Single().Value);
    }

    [Fact]
    public async Task Query_400BadData_IsNotRetried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(Error(400, "bad_data", "parse error"), Vector(1));

        var e = await Assert.ThrowsAsync<PrometheusApiException>(() => Client(server).QueryAsync("sum(rate(", null, ct));

        Assert.Equal(1, server.Requests);
        Assert.Equal("bad_data", e.ErrorType);
        Assert.False(e.Transient);
    }

    [Fact]
    public async Task Query_503OnEveryAttempt_StopsAfterAttemptsWithTheServersError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(Error(503, "unavailable", "still starting"));

        var e = await Assert.ThrowsAsync<PrometheusApiException>(() => Client(server, attempts: 4).QueryAsync("up", null, ct));

        Assert.Equal(4, server.Requests);
        Assert.True(e.Transient);
        Assert.Equal("Prometheus unavailable: still starting", e.Message);
    }

    [Fact]
    public async Task Query_FirstAttemptHangs_TimesOutAndTheRetryAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(new Reply(200, "", Hang: true), Vector(7));

        // 3 s over 3 attempts: the hung one is given up after 1 s.
        var result = await Client(server, attempts: 3, timeoutSeconds: 3).QueryAsync("up", null, ct);

        Assert.Equal(2, server.Requests);
        Assert.Equal(7, result.Samples.Single().Value);
    }

    [Fact]
    public async Task Query_EveryAttemptHangs_FailsAsATimeoutWithinTheTotal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(new Reply(200, "", Hang: true));

        var e = await Assert.ThrowsAsync<PrometheusApiException>(() => Client(server, attempts: 2, timeoutSeconds: 2).QueryAsync("up", null, ct));

        Assert.True(e.Transient);
        Assert.StartsWith($"Prometheus at {server.Url} did not answer api/v1/query within", e.Message);
        Assert.InRange(server.Requests, 1, 2);
    }

    [Fact]
    public async Task Query_ManyFailures_OpenTheCircuitAndLaterQueriesDoNotReachTheServer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(Error(500, "internal", "broken"));
        var client = Client(server, attempts: 1);
        for (var i = 0; i < 6; i++)
        {
            await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryAsync("up", null, ct));
        }

        var e = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryAsync("up", null, ct));

        Assert.Equal(6, server.Requests);
        Assert.Contains("circuit open", e.Message);
        Assert.True(e.Transient);
    }

    [Fact]
    public async Task NamedClientFromAddCollector_HasThePipeline()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await StartAsync(Error(503, "unavailable", "busy"), Error(502, "unavailable", "gateway"), Vector(5));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collector:Enabled"] = "false",
            ["Sources:Prometheus:Url"] = server.Url.ToString(),
        }).Build();
        await using var provider = new ServiceCollection().AddCollector(configuration).BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(PrometheusHttp.ClientName);
        var client = new PrometheusClient(PrometheusHttp.WithBaseAddress(http, new PrometheusSourceOptions { Url = server.Url.ToString() }));

        var result = await client.QueryAsync("up", null, ct);

        Assert.Equal(3, server.Requests);
        Assert.Equal(5, result.Samples.Single().Value);
    }
}
