using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// The dashboard in headless Chromium: cold load of the Overview to an interactive page with its chart
/// drawn (against loading the bare /health endpoint in the same browser, the reference), then many live
/// pages held open, counting errors and watching the server's memory.
/// </summary>
internal static class DashboardBenchmark
{
    /// <summary>Opens a page, signing in on the way when the dashboard asks (each new context is a new visitor).</summary>
    private static async Task OpenAsync(IPage page, string url)
    {
        await page.GotoAsync(url);
        if (page.Url.Contains("/login", StringComparison.Ordinal))
        {
            await page.FillAsync("[data-testid=login-user]", "bench");
            await page.FillAsync("[data-testid=login-password]", "bench-password");
            await page.ClickAsync("[data-testid=login-submit]");
        }
    }

    public static async Task<int> RunAsync(string baseUrl, int livePages, TimeSpan hold)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

        // Sign in once and carry only the cookie into each measured context: a signed-in user with an empty cache.
        string signedIn;
        await using (var login = await browser.NewContextAsync())
        {
            var page = await login.NewPageAsync();
            await OpenAsync(page, baseUrl + "/health");
            await OpenAsync(page, baseUrl + "/");
            await page.WaitForSelectorAsync("[data-interactive=true]", new() { Timeout = 60_000 });
            signedIn = await login.StorageStateAsync();
        }

        var cold = new List<double>();
        var reference = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            // A new context each time: no cache, a new circuit — a cold load (only the sign-in cookie is carried).
            await using var context = await browser.NewContextAsync(new() { StorageState = signedIn });
            var page = await context.NewPageAsync();
            var watch = Stopwatch.StartNew();
            await OpenAsync(page, baseUrl + "/?job=api");
            await page.WaitForSelectorAsync("[data-interactive=true]", new() { Timeout = 60_000 });
            await page.WaitForSelectorAsync("[data-testid=latency-chart] .js-plotly-plot .scatterlayer .trace", new() { Timeout = 60_000 });
            if (i > 0)
            {
                cold.Add(watch.Elapsed.TotalMilliseconds); // the first warms the server's JIT
            }

            await using var refContext = await browser.NewContextAsync();
            var refPage = await refContext.NewPageAsync();
            watch.Restart();
            await refPage.GotoAsync(baseUrl + "/health");
            if (i > 0)
            {
                reference.Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        var (coldMedian, referenceMedian) = (Figures.Percentile(cold, 0.5), Figures.Percentile(reference, 0.5));
        Figures.Print("overview_cold_load_median_ms", coldMedian, "0");
        Figures.Print("overview_cold_load_max_ms", cold[^1], "0");
        Figures.Print("health_load_median_ms", referenceMedian, "0");
        Figures.Print("cold_load_vs_health_ratio", coldMedian / referenceMedian, "0.0");

        using var http = new HttpClient();
        var memoryBefore = await WorkingSetAsync(http, baseUrl); // /metrics stays open to scrapers
        var errors = 0;
        var contexts = new List<IBrowserContext>();
        async Task OpenLiveAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var context = await browser.NewContextAsync(new() { StorageState = signedIn });
                contexts.Add(context);
                var page = await context.NewPageAsync();
                page.Console += (_, m) => { if (m.Type == "error") { Interlocked.Increment(ref errors); } };
                page.PageError += (_, _) => Interlocked.Increment(ref errors);
                await OpenAsync(page, baseUrl + "/?job=api&refresh=5s");
                await page.WaitForSelectorAsync("[data-interactive=true]", new() { Timeout = 60_000 });
            }
        }

        // The server's CPU per page refresh, as the slope between two levels of live pages, each held a minute after
        // 30 s to settle: what the server spends besides the pages (its collector, store, the start's background
        // compilation, circuits the cold loads left) is in both windows and drops out. An idle window before the pages
        // measured that background above the live phase itself.
        var window = TimeSpan.FromSeconds(60);
        async Task<double> CpuOverAsync()
        {
            var start = await CpuSecondsAsync(http, baseUrl);
            await Task.Delay(window);
            return await CpuSecondsAsync(http, baseUrl) - start;
        }

        var few = Math.Max(1, livePages / 4);
        await OpenLiveAsync(few);
        await Task.Delay(TimeSpan.FromSeconds(30));
        var cpuFew = await CpuOverAsync();
        await OpenLiveAsync(livePages - few);
        await Task.Delay(TimeSpan.FromSeconds(30));
        var cpuAll = await CpuOverAsync();
        var perRefreshMs = (cpuAll - cpuFew) * 1000 / ((livePages - few) * window.TotalSeconds / 5);
        Console.Error.WriteLine($"server CPU over {window.TotalSeconds:0} s: {cpuFew:0.00} s with {few} pages, {cpuAll:0.00} s with {livePages}");

        var memory = new List<double>();
        var until = DateTime.UtcNow + hold;
        while (DateTime.UtcNow < until)
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            memory.Add(await WorkingSetAsync(http, baseUrl));
        }


        // Every page must still be live: its "updated" text keeps changing with refresh=5s.
        var stale = 0;
        foreach (var context in contexts)
        {
            var page = context.Pages[0];
            if (await page.Locator("#blazor-error-ui").IsVisibleAsync() || await page.Locator("[data-testid=load-error]").CountAsync() > 0)
            {
                stale++;
            }
        }

        foreach (var context in contexts)
        {
            await context.DisposeAsync();
        }

        Figures.Print("live_pages", livePages, "0");
        Figures.Print("live_seconds", hold.TotalSeconds, "0");
        Figures.Print("live_page_errors", errors + stale, "0");
        Figures.Print("server_cpu_ms_per_tab_refresh", perRefreshMs, "0.0");
        Figures.Print("server_memory_before_mb", memoryBefore / 1024 / 1024, "0");
        Figures.Print("server_memory_first_minute_mb", memory.Take(6).Average() / 1024 / 1024, "0");
        Figures.Print("server_memory_last_minute_mb", memory.TakeLast(6).Average() / 1024 / 1024, "0");
        Figures.Print("server_memory_growth_last_vs_first_minute_ratio", memory.TakeLast(6).Average() / memory.Take(6).Average(), "0.00");
        return errors + stale == 0 ? 0 : 1;
    }

    /// <summary>The dashboard process's CPU seconds so far (prometheus-net's process_cpu_seconds_total).</summary>
    private static async Task<double> CpuSecondsAsync(HttpClient http, string baseUrl)
    {
        var text = await http.GetStringAsync(baseUrl + "/metrics");
        var line = text.Split('\n').First(l => l.StartsWith("process_cpu_seconds_total ", StringComparison.Ordinal));
        return double.Parse(line["process_cpu_seconds_total ".Length..], CultureInfo.InvariantCulture);
    }

    private static async Task<double> WorkingSetAsync(HttpClient http, string baseUrl)
    {
        var text = await http.GetStringAsync(baseUrl + "/metrics");
        var line = text.Split('\n').First(l => l.StartsWith("process_working_set_bytes ", StringComparison.Ordinal));
        return double.Parse(line["process_working_set_bytes ".Length..], CultureInfo.InvariantCulture);
    }
}
