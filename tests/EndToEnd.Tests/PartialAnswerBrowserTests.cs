using Microsoft.Playwright;
using X0tta6bl4.Ops.Tests;
using X0tta6bl4.Ops.Tests.Engines;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>
/// The dashboard's collector polling a real VictoriaMetrics (scraping the stack's Prometheus) through a Mimir-shaped
/// gateway that demands a tenant and a token and answers partially: in Chromium, the Targets page shows the warnings
/// and marks the figure and the chart of those polls, every query asks for a partial answer (Sources:Prometheus:PartialResponse),
/// and the token is in neither the page nor the process's log.
/// </summary>
public class PartialAnswerBrowserTests
{
    private const string Tenant = "team-a";
    private const string Token = "e2e-gateway-token-93187";

    [Fact]
    public async Task Targets_SourceBehindAGatewayAnsweringPartially_ShowsItsWarningsAndMarksTheFigure_WithoutTheToken()
    {
        var ct = TestContext.Current.CancellationToken;
        var prometheus = new Uri(StackEnvironment.PrometheusUrl);
        await using var victoria = await VictoriaMetricsProcess.StartAsync(vm =>
        {
            var config = Path.Combine(vm.Folder, "scrape.yml");
            File.WriteAllText(config, $"scrape_configs:\n  - job_name: prometheus\n    scrape_interval: 1s\n    static_configs:\n      - targets: ['{prometheus.Authority}']\n");
            // Instant queries at "now" see samples a second old (the default hides the last 30 s).
            return [$"-promscrape.config={config}", "-search.latencyOffset=1s"];
        });
        await using var gateway = await TenantProxy.StartAsync(victoria.Url, Tenant, Token);
        gateway.InjectWarnings = ["store-gateway-2 did not answer"];
        gateway.InjectPartial = true;
        await using var dashboard = await DashboardProcess.StartAsync(new Dictionary<string, string>
        {
            ["Sources__Prometheus__Url"] = gateway.Url + "/",
            ["Sources__Prometheus__Headers__0__Name"] = "X-Scope-OrgID",
            ["Sources__Prometheus__Headers__0__Value"] = Tenant,
            ["Sources__Prometheus__Headers__1__Name"] = "Authorization",
            ["Sources__Prometheus__Headers__1__Value"] = "Bearer " + Token,
            ["Sources__Prometheus__IntervalSeconds"] = "2",
            ["Sources__Prometheus__TimeoutSeconds"] = "2",
            // As for a Thanos Query started with --no-query.partial-response; VictoriaMetrics ignores it.
            ["Sources__Prometheus__PartialResponse"] = "true",
            ["Sources__Scrape__Enabled"] = "false",
            ["Sources__Redis__Endpoint"] = "",
            ["Sources__Postgres__Connection"] = "",
            // HttpClient's own logging at its most verbose, headers included: their values must come out redacted.
            ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Trace",
        }, ct);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;

        await browser.OpenPageAsync(dashboard.BaseAddress, "targets");
        var row = page.Locator("[data-testid=source-row][data-source=prometheus]");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-partial", "true", new() { Timeout = 45_000 });
        await Assertions.Expect(row.Locator("[data-testid=source-warnings]")).ToContainTextAsync("store-gateway-2 did not answer");
        await Assertions.Expect(row.Locator("[data-testid=source-warnings]")).ToContainTextAsync("isPartial");
        await Assertions.Expect(page.Locator("[data-testid=tile-series]")).ToHaveAttributeAsync("data-partial", "true", new() { Timeout = 45_000 });
        await Assertions.Expect(page.Locator("[data-testid=tile-series] [data-testid=tile-partial]")).ToBeVisibleAsync();
        // The chart of the same series shades the steps of those polls and says so in its header.
        await Assertions.Expect(page.Locator("[data-testid=series-chart-partial]")).ToContainTextAsync("partial data from prometheus at", new() { Timeout = 45_000 });
        await Assertions.Expect(page.Locator("[data-testid=series-chart] .shapelayer path").First).ToBeAttachedAsync(new() { Timeout = 45_000 });
        await browser.ScreenshotAsync("targets-partial");
        Assert.DoesNotContain(Token, await page.ContentAsync());

        // The engine answers in full again: the next poll is not partial, and the page says when the last one was.
        gateway.InjectWarnings = [];
        gateway.InjectPartial = false;
        await Assertions.Expect(row).ToHaveAttributeAsync("data-partial", "false", new() { Timeout = 45_000 });
        await Assertions.Expect(row).ToContainTextAsync("last partial answer");
        await Assertions.Expect(page.Locator("[data-testid=tile-series]")).Not.ToHaveAttributeAsync("data-partial", "true", new() { Timeout = 45_000 });

        Assert.All(gateway.Requests, r => Assert.Equal(("team-a", "Bearer " + Token), (r.Tenant, r.Authorization)));
        Assert.Contains(gateway.Requests, r => r.Path == TenantProxy.Prefix + "/api/v1/query");
        Assert.All(gateway.Requests.Where(r => r.Path == TenantProxy.Prefix + "/api/v1/query"), r => Assert.Equal("true", r.Parameters.GetValueOrDefault("partial_response")));
        Assert.Contains("X-Scope-OrgID", dashboard.Output);
        Assert.DoesNotContain(Token, dashboard.Output);
        Assert.Empty(browser.ConsoleErrors);
    }
}
