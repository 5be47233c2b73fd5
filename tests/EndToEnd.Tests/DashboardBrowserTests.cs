using System.Globalization;
using Microsoft.Playwright;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>The real dashboard process, the real stack, and Debian's Chromium.</summary>
public class DashboardBrowserTests
{
    [Fact]
    public async Task EveryPage_WithTheStack_DrawsItsChartsWithoutConsoleErrors()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(StackSettings(), ct);
        using var traffic = new CancellationTokenSource();
        var load = SendTrafficAsync(traffic.Token);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;

        foreach (var (path, chart) in new[]
        {
            ("api?job=api", "latency-chart"), ("database", "transactions-chart"), ("cache", "ops-chart"),
            ("resources", "cpu-chart"), ("targets", "series-chart"), ("sla?job=api&window=1h", "budget-chart"),
        })
        {
            await browser.OpenPageAsync(dashboard.BaseAddress, path);
            await page.WaitForSelectorAsync($"[data-testid={chart}] .js-plotly-plot .scatterlayer .trace", new() { Timeout = 45_000 });
            await Assertions.Expect(page.Locator("[data-testid=load-error]")).ToHaveCountAsync(0);
            await browser.AssertFitsTheWindowAsync(path);
            await browser.ScreenshotAsync("page-" + path.Split('?')[0]);
        }

        // The alert review has no chart; it lists the rules Prometheus loaded from deploy/rules.
        await browser.OpenPageAsync(dashboard.BaseAddress, "alerts");
        await Assertions.Expect(page.Locator("[data-prom-rule=ApiHighP95Latency]")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("page-alerts");

        traffic.Cancel();
        await load;
        Assert.Empty(browser.ConsoleErrors);
    }

    [Fact]
    public async Task RangeControl_ChangesTheUrl_AndALinkRestoresTheView()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(StackSettings(), ct);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.OpenPageAsync(dashboard.BaseAddress, "api");

        await page.Locator("[data-testid=range-select]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Last 6 hours" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("range=6h"));

        // Loading the same link afresh shows the same range.
        var link = page.Url;
        await browser.OpenPageAsync(dashboard.BaseAddress, "targets");
        await browser.OpenPageAsync(dashboard.BaseAddress, link);
        await Assertions.Expect(page.Locator("[data-testid=range-select]")).ToContainTextAsync("Last 6 hours");
        Assert.Empty(browser.ConsoleErrors);
    }

    [Fact]
    public async Task Capacity_MovingAControl_ChangesTheTableAndTheLink()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(StackSettings(), ct);
        using var traffic = new CancellationTokenSource();
        var load = SendTrafficAsync(traffic.Token);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;

        // Wait until the store has a request rate for the api, then open the planner.
        var cell = page.Locator("[data-scenario=Aggressive][data-month='12'] [data-testid=pods]");
        await Eventually.UntilAsync(async () =>
        {
            await browser.OpenPageAsync(dashboard.BaseAddress, "capacity?job=api");
            return await cell.CountAsync() > 0;
        }, TimeSpan.FromSeconds(40), "a projection on the Capacity page", ct);

        var before = int.Parse((await cell.TextContentAsync())!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var input = page.Locator("input[data-testid=per-pod], [data-testid=per-pod] input").First;
        await input.FillAsync("0.01");
        await input.PressAsync("Tab");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("perPod=0.01"));
        await Assertions.Expect(cell).Not.ToHaveTextAsync(before.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var after = int.Parse((await cell.TextContentAsync())!.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await browser.ScreenshotAsync("page-capacity");

        // The CSV link carries the same settings.
        var csv = await dashboard.AuthorizedClient().GetStringAsync("capacity.csv?job=api&perPod=0.01", ct);
        traffic.Cancel();
        await load;

        Assert.True(after > before, $"pods went from {before} to {after} when per-pod capacity dropped to 0.01 req/s");
        Assert.Contains($"Aggressive,1,12,", csv);
        Assert.Empty(browser.ConsoleErrors);
    }

    internal static Dictionary<string, string> StackSettings() => Settings(
        StackEnvironment.ApiUrl + "/metrics", StackEnvironment.PrometheusUrl, StackEnvironment.PostgresConnection, StackEnvironment.RedisConnection);

    private static Dictionary<string, string> NothingReachable() => Settings(
        "http://127.0.0.1:1/metrics", "http://127.0.0.1:1", "Host=127.0.0.1;Port=1;Username=postgres", "127.0.0.1:1");

    /// <summary>Every source polled every 2 s, so a test sees data within seconds.</summary>
    private static Dictionary<string, string> Settings(string apiMetrics, string prometheus, string postgres, string redis)
    {
        var settings = new Dictionary<string, string>
        {
            ["Collector__WindowSeconds"] = "10",
            ["Sources__Scrape__Targets__0__Name"] = "api",
            ["Sources__Scrape__Targets__0__Url"] = apiMetrics,
            ["Sources__Prometheus__Url"] = prometheus,
            ["Sources__Postgres__Connection"] = postgres,
            ["Sources__Redis__Endpoint"] = redis,
        };
        foreach (var source in new[] { "Scrape", "Prometheus", "Postgres", "Redis" })
        {
            settings[$"Sources__{source}__IntervalSeconds"] = "2";
            settings[$"Sources__{source}__TimeoutSeconds"] = "2";
        }

        return settings;
    }

    [Fact]
    public async Task Overview_WithTheStack_DrawsChartsAndShowsWhatTheStoreHolds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(StackSettings(), ct);
        using var traffic = new CancellationTokenSource();
        var load = SendTrafficAsync(traffic.Token);

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.OpenPageAsync(dashboard.BaseAddress, "?job=api");

        // Live data arrives through the circuit: the p95 tile gets a value, the chart draws lines.
        var tile = page.Locator("[data-testid=tile-p95]");
        await Assertions.Expect(tile).Not.ToHaveAttributeAsync("data-value", "", new() { Timeout = 45_000 });
        await page.WaitForSelectorAsync("[data-testid=latency-chart] .js-plotly-plot .scatterlayer .trace", new() { Timeout = 30_000 });

        var shown = double.Parse((await tile.GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        var ts = long.Parse((await tile.GetAttributeAsync("data-ts"))!, CultureInfo.InvariantCulture);
        var text = (await page.Locator("[data-testid=tile-p95] .tile-value").TextContentAsync())!.Trim();
        await browser.ScreenshotAsync("overview-stack");
        traffic.Cancel();
        await load;

        // The figure on screen is the one the store holds for that instant, and the text is that figure in ms.
        var store = await SqliteMetricStore.OpenAsync(dashboard.StorePath, ct);
        var stored = await store.QueryRangeAsync(new RangeQuery(
            SeriesSelector.Where("api_latency_seconds", ("job", "api"), ("quantile", "0.95")), ts, ts, 1), ct);
        Assert.Contains(stored, s => s.Points.Single().Value == shown);
        Assert.StartsWith((shown * 1000).ToString(shown * 1000 >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture), text);
        Assert.Empty(browser.ConsoleErrors);
    }

    [Fact]
    public async Task Overview_WithNothingReachable_ShowsItsOwnMetricsAndEachSourceDownWithItsError()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(NothingReachable(), ct);

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.OpenPageAsync(dashboard.BaseAddress, "");

        var api = page.Locator("[data-testid=source-row][data-source='scrape/api']");
        await Assertions.Expect(api).ToHaveAttributeAsync("data-state", "Down", new() { Timeout = 30_000 });
        await Assertions.Expect(api).ToContainTextAsync("Connection refused");
        await Assertions.Expect(page.Locator("[data-testid=source-row][data-source='prometheus']")).ToHaveAttributeAsync("data-state", "Down");
        await Assertions.Expect(page.Locator("[data-testid=source-row][data-source='postgres/postgres']")).ToHaveAttributeAsync("data-state", "Down");
        await Assertions.Expect(page.Locator("[data-testid=source-row][data-source='redis/redis']")).ToHaveAttributeAsync("data-state", "Down");
        await Assertions.Expect(page.Locator("[data-testid=source-row][data-source='scrape/dashboard']")).ToHaveAttributeAsync("data-state", "Up");

        // Its own process metrics are live; with no request data yet, latency says "no data", not 0.
        await Assertions.Expect(page.Locator("[data-testid=tile-memory]")).Not.ToHaveAttributeAsync("data-value", "", new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("overview-nothing-reachable");
        Assert.Empty(browser.ConsoleErrors);
    }

    private static async Task SendTrafficAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(StackEnvironment.ApiUrl) };
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var response = await http.GetAsync("/api/v1/status", ct);
                await Task.Delay(20, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
