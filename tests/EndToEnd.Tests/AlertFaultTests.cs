using Microsoft.Playwright;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>A real fault end to end: Redis stops, the alert fires and shows on the review page, is acknowledged, and resolves when Redis is back.</summary>
public class AlertFaultTests
{
    [Fact]
    public async Task RedisStopped_AlertFires_IsAcknowledged_ThenResolves()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = new RedisProcess();
        await redis.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Sources__Scrape__Targets__0__Name"] = "api",
            ["Sources__Scrape__Targets__0__Url"] = StackEnvironment.ApiUrl + "/metrics",
            ["Sources__Prometheus__Url"] = StackEnvironment.PrometheusUrl,
            ["Sources__Postgres__Connection"] = StackEnvironment.PostgresConnection,
            ["Sources__Redis__Endpoint"] = redis.ConnectionString,
            ["Sources__Redis__IntervalSeconds"] = "1",
            ["Sources__Redis__TimeoutSeconds"] = "1",
            ["Alerts__IntervalSeconds"] = "1",
            ["Alerts__Rules__source-down__ForSeconds"] = "2",
        };
        await using var dashboard = await DashboardProcess.StartAsync(settings, ct);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        var alert = page.Locator("[data-testid=active-alerts] [data-rule=source-down]").Filter(new() { HasText = "redis/redis" });

        await redis.StopAsync();
        await browser.OpenPageAsync(dashboard.BaseAddress, "alerts?refresh=5s");
        await Assertions.Expect(alert).ToHaveAttributeAsync("data-state", "Firing", new() { Timeout = 45_000 });
        await browser.AssertFitsTheWindowAsync("the alerts page with an alert to acknowledge");

        await alert.Locator("input[data-testid=ack-owner]").FillAsync("e2e");
        await alert.Locator("input[data-testid=ack-owner]").PressAsync("Tab");
        await alert.Locator("input[data-testid=ack-comment]").FillAsync("redis stopped by the test");
        await alert.Locator("input[data-testid=ack-comment]").PressAsync("Tab");
        await alert.Locator("[data-testid=ack-button]").ClickAsync();
        await Assertions.Expect(alert.Locator("[data-testid=acked]")).ToContainTextAsync("e2e: redis stopped by the test");
        await browser.ScreenshotAsync("alert-firing-acknowledged");

        await redis.StartAsync();
        var resolved = page.Locator("[data-testid=alert-history] [data-rule=source-down]").Filter(new() { HasText = "redis/redis" });
        await Assertions.Expect(resolved).ToHaveAttributeAsync("data-state", "Resolved", new() { Timeout = 45_000 });
        await Assertions.Expect(resolved).ToContainTextAsync("e2e: redis stopped by the test");
        Assert.Empty(browser.ConsoleErrors);
    }
}
