using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Tests;

public class StartupTests
{
    [Fact]
    public void BadConfiguration_FailsAtStartWithEveryProblemNamed()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Store:Sqlite:Path", Path.Combine(Path.GetTempPath(), $"x0-startup-{Guid.NewGuid():N}.db"));
            b.UseSetting("Sources:Scrape:IntervalSeconds", "0");
            b.UseSetting("Sources:Prometheus:Url", "not-a-url");
            b.UseSetting("Collector:WindowSeconds", "1");
        });

        var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        // Every options section reports its problems; start-up aggregates them all.
        var failures = (e is AggregateException all ? all.InnerExceptions : [e])
            .OfType<OptionsValidationException>()
            .SelectMany(v => v.Failures);
        var message = string.Join("\n", failures);

        Assert.Contains("Collector:WindowSeconds", message);
        Assert.True(message.Contains("Sources:Scrape:IntervalSeconds"), e.ToString());
        Assert.Contains("Sources:Prometheus:Url 'not-a-url'", message);
    }

    [Fact]
    public async Task HealthAndMetrics_AreServed()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Store:Sqlite:Path", Path.Combine(Path.GetTempPath(), $"x0-startup-{Guid.NewGuid():N}.db"));
            b.UseSetting("Collector:Enabled", "false");
        });
        var client = factory.CreateClient();

        var health = await client.GetStringAsync("/health", TestContext.Current.CancellationToken);
        var metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);

        Assert.Contains("ok", health);
        Assert.Contains("http_request_duration_seconds", metrics);
    }

    [Fact]
    public async Task WithoutSigningIn_PagesHubAndApiAreRefused_HealthAndMetricsAreNot()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Store:Sqlite:Path", Path.Combine(Path.GetTempPath(), $"x0-startup-{Guid.NewGuid():N}.db"));
            b.UseSetting("Collector:Enabled", "false");
        });
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var ct = TestContext.Current.CancellationToken;

        foreach (var page in new[] { "/", "/api", "/database", "/cache", "/resources", "/targets", "/alerts", "/sla", "/capacity" })
        {
            var response = await client.GetAsync(page, ct);
            Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery);
        }

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null, ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/query?query=up", ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/capacity.csv", ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health", ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/metrics", ct)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/login", ct)).StatusCode);
    }

    [Fact]
    public void PasswordHash_VerifiesOnlyItsPassword()
    {
        var hash = X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Hash("correct horse");

        Assert.True(X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Verify("correct horse", hash));
        Assert.False(X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Verify("correct hors", hash));
        Assert.False(X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.IsHash("correct horse"));
    }
}
