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
        // The fault starts from a source known to be up: a first poll that failed on a cold start would otherwise be
        // an alert of its own, and the test would be following whichever row it found first.
        await Eventually.UntilAsync(async () =>
        {
            await browser.OpenPageAsync(dashboard.BaseAddress, "targets");
            return await page.Locator("[data-testid=source-row][data-source='redis/redis'][data-state=Up]").CountAsync() == 1;
        }, TimeSpan.FromSeconds(60), "redis/redis up on the Targets page before the fault", ct);

        await redis.StopAsync();
        await browser.OpenPageAsync(dashboard.BaseAddress, "alerts?refresh=5s");
        var firing = page.Locator("[data-testid=active-alerts] [data-rule=source-down][data-state=Firing]").Filter(new() { HasText = "redis/redis" });
        await Assertions.Expect(firing).ToHaveCountAsync(1, new() { Timeout = 45_000 });
        // From here on the test follows this one alert by its id, wherever the page lists it.
        var id = await firing.GetAttributeAsync("data-alert");
        var alert = page.Locator($"[data-testid=active-alerts] [data-alert='{id}']");
        await browser.AssertFitsTheWindowAsync("the alerts page with an alert to acknowledge");

        await alert.Locator("input[data-testid=ack-owner]").FillAsync("e2e");
        await alert.Locator("input[data-testid=ack-owner]").PressAsync("Tab");
        await alert.Locator("input[data-testid=ack-comment]").FillAsync("redis stopped by the test");
        await alert.Locator("input[data-testid=ack-comment]").PressAsync("Tab");
        await alert.Locator("[data-testid=ack-button]").ClickAsync();
        await Assertions.Expect(alert.Locator("[data-testid=acked]")).ToContainTextAsync("e2e: redis stopped by the test");
        await browser.ScreenshotAsync("alert-firing-acknowledged");

        await redis.StartAsync();
        var resolved = page.Locator($"[data-testid=alert-history] [data-alert='{id}']");
        await Assertions.Expect(resolved).ToHaveAttributeAsync("data-state", "Resolved", new() { Timeout = 45_000 });
        await Assertions.Expect(resolved).ToContainTextAsync("e2e: redis stopped by the test");
        Assert.Empty(browser.ConsoleErrors);
    }
}
