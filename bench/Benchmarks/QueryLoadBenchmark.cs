using System.Diagnostics;
using Microsoft.Playwright;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// CLIENTS concurrent clients issuing the dashboard's typical query_range (24 h at 1 min) for SECONDS against our query
/// API (PostgreSQL store) and then against Prometheus holding the same samples: throughput, p99 and errors of each;
/// then the pages' own cold load (to an interactive page, headless Chromium) idle and during a third run of that load on ours.
/// </summary>
internal static class QueryLoadBenchmark
{
    public static async Task<int> RunAsync(string ours, string prometheus, long endMs, int seconds, int clients)
    {
        var url = $"/api/v1/query_range?query=bench_metric&start={(endMs - 86_400_000) / 1000}&end={endMs / 1000}&step=60";
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("bench:bench-password"u8.ToArray()));

        // Both warmed alike (the JIT's hot paths, Prometheus's caches) before anything is timed.
        await LoadAsync(http, ours + url, TimeSpan.FromSeconds(5), clients);
        await LoadAsync(http, prometheus + url, TimeSpan.FromSeconds(5), clients);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var signedIn = await SignInAsync(browser, ours);
        var idle = new List<double>();
        for (var i = 0; i < 6; i++)
        {
            idle.Add(await ColdLoadAsync(browser, signedIn, ours));
        }

        // Ours and Prometheus each timed alone, on a machine doing nothing else of ours; then ours again with the
        // pages loading in Chromium beside it, for the page figures. (Timing ours only while Chromium and the
        // dashboard's page rendering ran beside it, and Prometheus without them, compared unlike runs.)
        var ourRun = await LoadAsync(http, ours + url, TimeSpan.FromSeconds(seconds), clients);
        var theirRun = await LoadAsync(http, prometheus + url, TimeSpan.FromSeconds(seconds), clients);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var underLoad = new List<double>();
        var pages = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                underLoad.Add(await ColdLoadAsync(browser, signedIn, ours));
            }
        });
        var withPages = await LoadAsync(http, ours + url, TimeSpan.FromSeconds(seconds), clients);
        await pages;

        Figures.Print("clients", clients, "0");
        Figures.Print("seconds", seconds, "0");
        Figures.Print("ours_requests_per_s", ourRun.Count / ourRun.Elapsed.TotalSeconds, "0.0");
        Figures.Print("prometheus_requests_per_s", theirRun.Count / theirRun.Elapsed.TotalSeconds, "0.0");
        Figures.Print("throughput_ours_vs_prometheus_ratio", ourRun.Count / ourRun.Elapsed.TotalSeconds / (theirRun.Count / theirRun.Elapsed.TotalSeconds), "0.00");
        Figures.Print("ours_p99_ms", Figures.Percentile(ourRun.Times, 0.99), "0.0");
        Figures.Print("prometheus_p99_ms", Figures.Percentile(theirRun.Times, 0.99), "0.0");
        Figures.Print("p99_ours_vs_prometheus_ratio", Figures.Percentile(ourRun.Times, 0.99) / Figures.Percentile(theirRun.Times, 0.99), "0.00");
        Figures.Print("ours_errors", ourRun.Errors, "0");
        Figures.Print("ours_requests_per_s_with_pages_loading", withPages.Count / withPages.Elapsed.TotalSeconds, "0.0");
        Figures.Print("ours_p99_ms_with_pages_loading", Figures.Percentile(withPages.Times, 0.99), "0.0");
        Figures.Print("ours_errors_with_pages_loading", withPages.Errors, "0");
        Figures.Print("prometheus_errors", theirRun.Errors, "0");
        Figures.Print("page_load_idle_ms", Figures.Percentile(idle.Skip(1).ToList(), 0.5), "0");
        Figures.Print("page_load_under_load_ms", Figures.Percentile(underLoad, 0.5), "0");
        Figures.Print("page_loads_under_load", underLoad.Count, "0");
        Figures.Print("page_load_under_load_vs_idle_ratio", Figures.Percentile(underLoad, 0.5) / Figures.Percentile(idle.Skip(1).ToList(), 0.5), "0.00");
        return 0;
    }

    private sealed record Run(int Count, int Errors, List<double> Times, TimeSpan Elapsed);

    private static async Task<Run> LoadAsync(HttpClient http, string url, TimeSpan length, int clients)
    {
        var times = new List<double>[clients];
        var errors = new int[clients];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            times[c] = [];
            while (watch.Elapsed < length)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(url);
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode)
                    {
                        errors[c]++;
                    }
                }
                catch (HttpRequestException)
                {
                    errors[c]++;
                }

                times[c].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })));
        var all = times.SelectMany(t => t).ToList();
        return new Run(all.Count, errors.Sum(), all, watch.Elapsed);
    }

    private static async Task<string> SignInAsync(IBrowser browser, string baseUrl)
    {
        await using var login = await browser.NewContextAsync();
        var page = await login.NewPageAsync();
        await page.GotoAsync(baseUrl + "/targets");
        await page.FillAsync("[data-testid=login-user]", "bench");
        await page.FillAsync("[data-testid=login-password]", "bench-password");
        await page.ClickAsync("[data-testid=login-submit]");
        await page.WaitForSelectorAsync("[data-interactive=true]", new() { Timeout = 60_000 });
        return await login.StorageStateAsync();
    }

    /// <summary>A new context (empty cache, new circuit) to the Targets page interactive, in ms.</summary>
    private static async Task<double> ColdLoadAsync(IBrowser browser, string signedIn, string baseUrl)
    {
        await using var context = await browser.NewContextAsync(new() { StorageState = signedIn });
        var page = await context.NewPageAsync();
        var watch = Stopwatch.StartNew();
        await page.GotoAsync(baseUrl + "/targets");
        await page.WaitForSelectorAsync("[data-interactive=true]", new() { Timeout = 60_000 });
        return watch.Elapsed.TotalMilliseconds;
    }
}
