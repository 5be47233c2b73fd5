using Microsoft.Playwright;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>Load tests from the dashboard's own page, against the stack's Api, in Debian's Chromium.</summary>
public class LoadTestsBrowserTests
{
    private static string Plan(string name, string scenario) => $$"""
        {
          "name": "{{name}}",
          "baseUrl": "{{StackEnvironment.ApiUrl}}",
          "setup": { "meshName": "load-e2e", "nodes": 5 },
          "requests": [
            { "name": "topology", "path": "api/v1/meshes/{meshId}/topology", "weight": 3 },
            { "name": "node-health", "path": "api/v1/nodes/{nodeId}/health", "weight": 1 }
          ],
          "scenarios": [ {{scenario}} ],
          "thresholds": [ "p(95)<500" ],
          "maxDurationSeconds": 120,
          "maxRequests": 100000
        }
        """;

    [Fact]
    public async Task ARunStartedFromThePage_ShowsProgress_StopsOnRequest_AndIsListed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(DashboardBrowserTests.StackSettings(), ct);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.OpenPageAsync(dashboard.BaseAddress, "load");

        await page.Locator("textarea[data-testid=plan-json]").FillAsync(Plan("e2e-steady",
            """{ "name": "steady", "executor": "constant-arrival-rate", "rate": 50, "durationSeconds": 60, "maxInFlight": 50 }"""));
        await page.Locator("textarea[data-testid=plan-json]").PressAsync("Tab");
        await page.Locator("[data-testid=start-run]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/load/\d+$"), new() { Timeout = 15_000 });
        await page.WaitForSelectorAsync("[data-testid=progress]", new() { Timeout = 30_000 });

        // The progress moves on by itself, second by second.
        var requests = page.Locator("[data-testid=progress-requests]");
        var first = await requests.TextContentAsync();
        await Assertions.Expect(requests).Not.ToHaveTextAsync(first!, new() { Timeout = 10_000 });
        await browser.AssertFitsTheWindowAsync("a running load run");
        await page.Locator("[data-testid=stop-run]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=run-status]")).ToHaveTextAsync("stopped", new() { Timeout = 20_000 });
        await page.WaitForSelectorAsync("[data-testid=run-latency-chart] .js-plotly-plot .scatterlayer .trace", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=run-summary]")).ToBeVisibleAsync();
        var runUrl = page.Url;
        await browser.ScreenshotAsync("load-run-stopped");

        await browser.OpenPageAsync(dashboard.BaseAddress, "load");
        var row = page.Locator("[data-testid=run-row]").Filter(new() { HasText = "e2e-steady" });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "Stopped");
        await browser.AssertFitsTheWindowAsync("the load tests page");

        // Exported as a self-contained HTML file.
        using var http = dashboard.AuthorizedClient();
        var id = runUrl[(runUrl.LastIndexOf('/') + 1)..];
        var html = await http.GetStringAsync($"load/{id}/run.html", ct);
        Assert.Contains("e2e-steady", html);
        Assert.DoesNotContain("<script src", html);
        Assert.Empty(browser.ConsoleErrors);
    }

    [Fact]
    public async Task ACapacityRun_BecomesTheCapacityPagesPerPodCapacity()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(DashboardBrowserTests.StackSettings(), ct);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;

        // The Capacity page needs an hour of request rate to project from: the collector's own scrapes give it one soon.
        await browser.OpenPageAsync(dashboard.BaseAddress, "load");
        await page.Locator("textarea[data-testid=plan-json]").FillAsync(Plan("e2e-capacity",
            """{ "name": "search", "executor": "capacity-search", "startRate": 100, "stepRate": 100, "stepSeconds": 3, "maxRate": 300, "targetP95Ms": 500, "targetErrorRate": 0.01, "maxInFlight": 200 }"""));
        await page.Locator("textarea[data-testid=plan-json]").PressAsync("Tab");
        await page.Locator("[data-testid=start-run]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/load/\d+$"), new() { Timeout = 15_000 });
        var id = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        // The run's end as the server records it (its export answers once there is a result), apart from the page
        // showing it: a failure says which of the two did not happen, and how far the run had got.
        using var http = dashboard.AuthorizedClient();
        await Eventually.UntilAsync(async () =>
        {
            using var response = await http.GetAsync($"load/{id}/run.json", ct);
            var progress = page.Locator("[data-testid=progress]");
            var shown = await progress.CountAsync() == 1 ? await progress.TextContentAsync() : "(no progress shown)";
            return (Status: (int)response.StatusCode, Progress: shown);
        }, answer => answer.Status == 200, TimeSpan.FromSeconds(60), $"load run {id} to finish (three 3-s steps)", ct);
        await Assertions.Expect(page.Locator("[data-testid=run-status]")).ToHaveTextAsync("completed", new() { Timeout = 15_000 });
        var found = await page.Locator("[data-testid=capacity-result]").TextContentAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"capacity search: {found}");
        Assert.Contains("Highest sustained rate", found);

        var evidence = page.Locator("[data-testid=evidence] [data-figure='Per-pod capacity']");
        await Eventually.UntilAsync(async () =>
        {
            await browser.OpenPageAsync(dashboard.BaseAddress, "capacity?job=api");
            return await evidence.CountAsync() > 0;
        }, TimeSpan.FromSeconds(45), "the Capacity page's evidence", ct);
        await Assertions.Expect(evidence).ToContainTextAsync($"Measured by load run {id}");
        var perPod = await evidence.TextContentAsync();
        await browser.ScreenshotAsync("capacity-after-load-run");
        var sla = page.Locator("[data-sla=throughput]");
        await browser.OpenPageAsync(dashboard.BaseAddress, "sla?job=api&window=1h");
        await Assertions.Expect(sla).ToHaveAttributeAsync("data-status", new System.Text.RegularExpressions.Regex("Pass|Fail"));
        TestContext.Current.TestOutputHelper?.WriteLine($"capacity run {id}: {found}; per-pod evidence: {perPod}");
        Assert.Empty(browser.ConsoleErrors);
    }
}
