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
}
