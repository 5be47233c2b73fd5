using System.Text.Json;
using System.Diagnostics;
using Microsoft.Playwright;
using Npgsql;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>
/// The production shape: standalone collectors and dashboards with no collector inside, all on one
/// PostgreSQL store (a database of the test's own on the stack's server), and a Redis of the test's own to stop.
/// </summary>
public class ProductionTopologyTests
{
    /// <summary>What a collector polls here: the stack's Api, Prometheus and PostgreSQL every 2 s, and the test's Redis every second.</summary>
    private static Dictionary<string, string> Sources(string redis) => new()
    {
        ["Sources__Scrape__Targets__0__Name"] = "api",
        ["Sources__Scrape__Targets__0__Url"] = StackEnvironment.ApiUrl + "/metrics",
        ["Sources__Scrape__IntervalSeconds"] = "2",
        ["Sources__Scrape__TimeoutSeconds"] = "2",
        ["Sources__Prometheus__Url"] = StackEnvironment.PrometheusUrl,
        ["Sources__Prometheus__IntervalSeconds"] = "2",
        ["Sources__Prometheus__TimeoutSeconds"] = "2",
        ["Sources__Postgres__Connection"] = StackEnvironment.PostgresConnection,
        ["Sources__Postgres__IntervalSeconds"] = "2",
        ["Sources__Postgres__TimeoutSeconds"] = "2",
        ["Sources__Redis__Endpoint"] = redis,
        ["Sources__Redis__IntervalSeconds"] = "1",
        ["Sources__Redis__TimeoutSeconds"] = "1",
        ["Collector__LeaseSeconds"] = "1.5",
        ["Alerts__IntervalSeconds"] = "1",
        ["Alerts__Rules__source-down__ForSeconds"] = "2",
    };

    private static Dictionary<string, string> DashboardOnly(string store) => new()
    {
        ["Store__Provider"] = "Postgres",
        ["Store__Postgres__Connection"] = store,
        ["Collector__Enabled"] = "false",
    };

    [Fact]
    public async Task OneCollectorTwoDashboards_EveryPageDraws_SourcesAlertsAndAcknowledgementsAreTheSameOnBoth()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = new TemporaryDatabase();
        await database.InitializeAsync();
        await using var redis = new RedisProcess();
        await redis.StartAsync();
        await using var collector = await CollectorProcess.StartAsync("collector-1", database.ConnectionString, Sources(redis.ConnectionString), ct);
        await using var first = await DashboardProcess.StartAsync(DashboardOnly(database.ConnectionString), ct);
        await using var second = await DashboardProcess.StartAsync(DashboardOnly(database.ConnectionString), ct);
        await using var browserA = await Browser.OpenAsync();
        await using var browserB = await Browser.OpenAsync();

        foreach (var (dashboard, browser) in new[] { (first, browserA), (second, browserB) })
        {
            using var http = dashboard.AuthorizedClient();
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("health/ready", ct)).StatusCode);
            foreach (var (path, chart) in new[]
            {
                ("?job=api", "latency-chart"), ("api?job=api", "latency-chart"), ("database", "transactions-chart"), ("cache", "ops-chart"),
                ("resources", "cpu-chart"), ("targets", "series-chart"), ("sla?job=api&window=1h", "budget-chart"), ("alerts", null), ("capacity?job=api", null),
            })
            {
                await browser.OpenPageAsync(dashboard.BaseAddress, path);
                if (chart is not null)
                {
                    await browser.Page.WaitForSelectorAsync($"[data-testid={chart}] .js-plotly-plot", new() { Timeout = 45_000 });
                }

                await Assertions.Expect(browser.Page.Locator("[data-testid=load-error]")).ToHaveCountAsync(0);
                await Assertions.Expect(browser.Page.Locator("#page-title, h4, h3").First).ToBeVisibleAsync();
                await browser.AssertFitsTheWindowAsync(path);
            }
        }

        // Both list every source, in the same state, as the standalone collector wrote it.
        var expected = new[] { "postgres/postgres", "prometheus", "redis/redis", "scrape/api" };
        var statesA = await SourceStatesAsync(browserA, first, s => s.Count == 4 && s.Values.All(v => v == "Up"), ct);
        var statesB = await SourceStatesAsync(browserB, second, s => s.Count == 4 && s.Values.All(v => v == "Up"), ct);
        Assert.Equal(expected, statesA.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(statesA, statesB);
        await Assertions.Expect(browserA.Page.Locator("[data-testid=collector-row][data-collector=collector-1]")).ToHaveCountAsync(1);

        // Redis stops: both show it down, and the source-down alert fires once.
        var stopped = Stopwatch.StartNew();
        await redis.StopAsync();
        await SourceStatesAsync(browserA, first, s => s.GetValueOrDefault("redis/redis") == "Down", ct);
        var downOnA = stopped.Elapsed;
        await SourceStatesAsync(browserB, second, s => s.GetValueOrDefault("redis/redis") == "Down", ct);
        var alertA = browserA.Page.Locator("[data-testid=active-alerts] [data-rule=source-down]").Filter(new() { HasText = "redis/redis" });
        var alertB = browserB.Page.Locator("[data-testid=active-alerts] [data-rule=source-down]").Filter(new() { HasText = "redis/redis" });
        await browserA.OpenPageAsync(first.BaseAddress, "alerts?refresh=5s");
        await Assertions.Expect(alertA).ToHaveAttributeAsync("data-state", "Firing", new() { Timeout = 45_000 });
        await browserB.OpenPageAsync(second.BaseAddress, "alerts?refresh=5s");
        await Assertions.Expect(alertB).ToHaveAttributeAsync("data-state", "Firing", new() { Timeout = 45_000 });
        await browserB.AssertFitsTheWindowAsync("the alerts page with an alert to acknowledge");
        // One open alert, not one per dashboard or evaluator. A loaded 2-core machine can time out a 1-s Redis poll
        // before the stop, so an earlier, already resolved source-down row may exist; it is not a duplicate.
        Assert.Equal(1L, await ScalarAsync(database.ConnectionString, "SELECT count(*) FROM alerts WHERE rule_id = 'source-down' AND labels LIKE '%redis/redis%' AND resolved_ms IS NULL", ct));

        // Acknowledged on the first dashboard, it shows acknowledged on the second.
        await alertA.Locator("input[data-testid=ack-owner]").FillAsync("e2e");
        await alertA.Locator("input[data-testid=ack-owner]").PressAsync("Tab");
        await alertA.Locator("input[data-testid=ack-comment]").FillAsync("seen from dashboard one");
        await alertA.Locator("input[data-testid=ack-comment]").PressAsync("Tab");
        await alertA.Locator("[data-testid=ack-button]").ClickAsync();
        await Assertions.Expect(alertA.Locator("[data-testid=acked]")).ToContainTextAsync("seen from dashboard one");
        await Assertions.Expect(alertB.Locator("[data-testid=acked]")).ToContainTextAsync("e2e: seen from dashboard one", new() { Timeout = 15_000 });
        await browserB.ScreenshotAsync("topology-second-dashboard-alerts");

        Assert.True(downOnA < TimeSpan.FromSeconds(30), $"redis showed down after {downOnA}");
        Assert.Empty(browserA.ConsoleErrors);
        Assert.Empty(browserB.ConsoleErrors);
        TestContext.Current.TestOutputHelper?.WriteLine($"redis showed down on the first dashboard {downOnA.TotalSeconds:0.0} s after it stopped");
    }

    [Fact]
    public async Task AStandaloneCollector_ServesItsProbesAndCounters()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = new TemporaryDatabase();
        await database.InitializeAsync();
        await using var redis = new RedisProcess();
        await redis.StartAsync();
        var port = ServiceProcesses.FreePort();
        var settings = SourceSettings.RedisOnly(redis.ConnectionString);
        settings["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        await using var collector = await CollectorProcess.StartAsync("probed", database.ConnectionString, settings, ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };

        var live = await Eventually.UntilAsync(() => http.GetAsync("health", ct), r => r.IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the collector's /health", ct);
        var ready = await http.GetAsync("health/ready", ct);
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(ct)).RootElement;
        var metrics = await Eventually.UntilAsync(() => http.GetStringAsync("metrics", ct),
            m => m.Contains("x0tta6bl4_ops_collector_polls_total{source=\"redis/redis\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "a counted poll", ct);

        Assert.Equal("{\"status\":\"ok\"}", await live.Content.ReadAsStringAsync(ct));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal(["leases", "store"], body.GetProperty("checks").EnumerateObject().Select(c => c.Name).Order());
        Assert.All(body.GetProperty("checks").EnumerateObject(), c => Assert.Equal("healthy", c.Value.GetProperty("status").GetString()));
        Assert.Contains("x0tta6bl4_ops_collector_", metrics);
    }

    [Fact]
    public async Task TwoCollectors_EachSourcePolledOnce_AndTheSurvivorTakesOverAKilledOnesSources()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = new TemporaryDatabase();
        await database.InitializeAsync();
        await using var redis = new RedisProcess();
        await redis.StartAsync();
        var redisOnly = SourceSettings.RedisOnly(redis.ConnectionString);
        redisOnly["Collector__LeaseSeconds"] = "1.5";
        await using var c1 = await CollectorProcess.StartAsync("c1", database.ConnectionString, redisOnly, ct);
        await using var c2 = await CollectorProcess.StartAsync("c2", database.ConnectionString, redisOnly, ct);
        var collectors = new Dictionary<string, CollectorProcess> { ["c1"] = c1, ["c2"] = c2 };

        // Ten seconds of polling at 1 s: Redis's own count of INFO calls says how many polls it served.
        await Eventually.UntilAsync(async () => await HolderAsync(database.ConnectionString, "redis/redis", ct) is not null, TimeSpan.FromSeconds(10), "a holder of redis/redis", ct);
        await redis.CliAsync("CONFIG", "RESETSTAT");
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(10), ct); // a measurement window: the polls in it are what is counted
        var infoCalls = await redis.InfoCallsAsync();
        var seconds = window.Elapsed.TotalSeconds;

        // The holder dies without a word; the other takes the source over.
        var holder = (await HolderAsync(database.ConnectionString, "redis/redis", ct))!;
        var survivor = holder == "c1" ? "c2" : "c1";
        var lastBeforeKill = await LastPollAsync(database.ConnectionString, ct);
        await collectors[holder].KillAsync();
        var killedAt = DateTimeOffset.UtcNow;
        var (firstBySurvivor, by) = await Eventually.UntilAsync(async () => await LastPollByAsync(database.ConnectionString, ct), p => p.By == survivor, TimeSpan.FromSeconds(20),
            $"{survivor} to poll redis/redis", ct);

        var gap = firstBySurvivor - lastBeforeKill;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{infoCalls} INFO calls in {seconds:0.0} s with two collectors at 1 s; {holder} killed, {by} polled {(firstBySurvivor - killedAt).TotalSeconds:0.0} s after the kill (gap between polls {gap.TotalSeconds:0.0} s)");
        Assert.InRange(infoCalls, (int)(seconds * 0.6), (int)(seconds * 1.3) + 1);   // one poller at 1 s, not two
        // No sample is written twice: the store itself refuses a second sample at a timestamp a series holds
        // (sample chunks, Metrics.Tests ChunkBatch and ChunkUpgrade tests), so there is no table to count repeats in.
        // A lease of 1.5 s renewed every 0.5 s, polls every second: the survivor takes over within 1.5 × 4/3 + 1 s of the
        // kill; 2 s more of slack for a loaded 2-core machine, where a poll can start late.
        var takeover = firstBySurvivor - killedAt;
        Assert.True(takeover < TimeSpan.FromSeconds(1.5 * 4 / 3 + 1 + 2), $"the survivor took over {takeover.TotalSeconds:0.0} s after the kill");
    }

    private static async Task<Dictionary<string, string>> SourceStatesAsync(Browser browser, DashboardProcess dashboard, Func<Dictionary<string, string>, bool> done, CancellationToken ct) =>
        await Eventually.UntilAsync(async () =>
        {
            await browser.OpenPageAsync(dashboard.BaseAddress, "targets");
            await browser.Page.WaitForSelectorAsync("[data-testid=sources]");
            var rows = browser.Page.Locator("[data-testid=source-row]");
            var states = new Dictionary<string, string>();
            for (var i = 0; i < await rows.CountAsync(); i++)
            {
                states[(await rows.Nth(i).GetAttributeAsync("data-source"))!] = (await rows.Nth(i).GetAttributeAsync("data-state"))!;
            }

            return states;
        }, done, TimeSpan.FromSeconds(45), "the Targets page's sources", ct);

    private static async Task<string?> HolderAsync(string connection, string lease, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT holder FROM collector_leases WHERE lease = @lease", db);
        command.Parameters.AddWithValue("lease", lease);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    private static async Task<DateTimeOffset> LastPollAsync(string connection, CancellationToken ct) => (await LastPollByAsync(connection, ct)).At;

    private static async Task<(DateTimeOffset At, string? By)> LastPollByAsync(string connection, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT last_attempt_ms, collector FROM collector_sources WHERE name = 'redis/redis'", db);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private static async Task<long> ScalarAsync(string connection, string sql, CancellationToken ct)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct));
    }
}
