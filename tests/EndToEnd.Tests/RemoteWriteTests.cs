using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Npgsql;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Tests;
using X0tta6bl4.Ops.Tests.Engines;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>
/// A real Prometheus scraping the stack's Api every 2 s and pushing to the dashboard's /api/v1/write (remote_write with
/// a small batch deadline and short backoffs, so the test is quick); the dashboard's store is PostgreSQL.
/// </summary>
public class RemoteWriteTests
{
    private const string Token = "e2e-remote-write-token";
    private const string Histogram = "x0tta6bl4_request_duration_seconds";
    private static readonly string ApiTarget = new Uri(StackEnvironment.ApiUrl).Authority;

    /// <param name="queue">More queue_config lines, each starting with a newline and six spaces.</param>
    private static string PrometheusConfig(string job, Uri dashboard, string token, string deadline = "500ms", string queue = "") => $"""
        global:
          scrape_interval: 2s
          scrape_timeout: 2s
        scrape_configs:
          - job_name: {job}
            static_configs:
              - targets: ['{ApiTarget}']
        remote_write:
          - url: {new Uri(dashboard, "api/v1/write")}
            authorization:
              credentials: {token}
            queue_config:
              batch_send_deadline: {deadline}
              min_backoff: 100ms
              max_backoff: 1s{queue}
        """;

    private static Dictionary<string, string> Dashboard(string store, string spool, int bufferLimit = 1_000_000) => new()
    {
        ["Store__Provider"] = "Postgres",
        ["Store__Postgres__Connection"] = store,
        ["Collector__SpoolPath"] = spool,
        ["Sources__Scrape__Enabled"] = "false",
        ["Sources__Prometheus__Url"] = "",
        ["RemoteWrite__Enabled"] = "true",
        ["RemoteWrite__BearerToken"] = Token,
        ["RemoteWrite__BufferLimit"] = bufferLimit.ToString(CultureInfo.InvariantCulture),
        ["RemoteWrite__RetryAfterSeconds"] = "1",
        ["RemoteWrite__IntervalSeconds"] = "2",
    };

    /// <summary>Requests to the stack's Api until cancelled, so its histograms move (the stack runs no traffic generator here).</summary>
    private static async Task TrafficAsync(CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(StackEnvironment.ApiUrl) };
        for (var i = 0; !ct.IsCancellationRequested && i < 200_000; i++)
        {
            try
            {
                // Fast, missing and database-backed endpoints: latencies over several buckets, so p95 is not at the first bound.
                using var response = await http.GetAsync((i % 10) switch { 9 => "/api/v1/missing", < 4 => "/api/v1/meshes", _ => "/api/v1/status" }, ct);
                await Task.Delay(5, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [Fact]
    public async Task PushedJob_P95EqualsPrometheusHistogramQuantile_ShowsOnThePages_AndAWrongTokenWritesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = new TemporaryDatabase();
        await database.InitializeAsync();
        var spool = Directory.CreateTempSubdirectory("x0-rw-spool-").FullName;
        await using var dashboard = await DashboardProcess.StartAsync(Dashboard(database.ConnectionString, spool), ct);
        using var traffic = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = TrafficAsync(traffic.Token);
        await using var prometheus = await PrometheusProcess.StartAsync(PrometheusConfig("pushed", dashboard.BaseAddress, Token), ct);
        await using var intruder = await PrometheusProcess.StartAsync(PrometheusConfig("intruder", dashboard.BaseAddress, "not-the-token"), ct);
        var store = PostgresMetricStore.Create(database.ConnectionString);
        var p95 = SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("job", "pushed"), ("source", "remote-write"), ("quantile", "0.95"));

        // 30 s of pushes: a window of 15 scrapes behind the compared point.
        var firstPush = DateTimeOffset.UtcNow;
        var latest = await Eventually.UntilAsync(async () => (await store.LatestAsync(p95, ct)).SingleOrDefault(),
            l => l is not null && l.Sample.Timestamp - firstPush > TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(120), "30 s of pushed p95", ct);
        var (t, ours) = (latest!.Sample.TimestampMs, latest.Sample.Value);

        // Our derivation does not extrapolate: its p95 at t is the quantile of the bucket increases from the oldest
        // scrape at or after t − 60 s (Collector:WindowSeconds) to the scrape at t, a bucket series absent at that first
        // scrape counting from 0 (the shared Api creates one when any test first hits an endpoint or status). Prometheus
        // gives the same increases as the difference of the buckets at t and at that scrape, summed by le; rate() would
        // not (it drops what a series held at its first sample: CI once saw 2.3 % between the two definitions).
        var scrapes = Timestamps(await prometheus.QueryAsync("up{job=\"pushed\"}[70s]", t, ct));
        Assert.Contains(t, scrapes);
        var baseline = scrapes.Where(s => s >= t - 60_000).Min();
        var buckets = $"{Histogram}_bucket{{job=\"pushed\"}}";
        var promql = $"histogram_quantile(0.95, sum by (le) ({buckets}) - sum by (le) ({buckets} offset {t - baseline}ms))";
        var theirs = double.Parse((await prometheus.QueryAsync(promql, t, ct))[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        TestContext.Current.TestOutputHelper?.WriteLine($"p95 at {t}: ours {ours}, Prometheus {theirs} ({promql})");
        Assert.True(theirs > 0.001, $"p95 {theirs} s is inside the first bucket (0–1 ms): the comparison would not exercise the interpolation");
        Assert.True(Math.Abs(ours - theirs) <= 0.01 * theirs, $"ours {ours} vs Prometheus {theirs}");

        // The pushed job is a job like a scraped one: its rates, its pod series under the instance, a source on the Targets page.
        Assert.NotEmpty(await store.LatestAsync(SeriesSelector.Where(CanonicalSeries.ApiRequestsPerSecond, ("job", "pushed"), ("source", "remote-write")), ct));
        Assert.NotEmpty(await store.LatestAsync(SeriesSelector.Where(CanonicalSeries.PodMemoryBytes, ("job", "pushed"), ("pod", ApiTarget)), ct));
        await using var browser = await Browser.OpenAsync();
        await Eventually.UntilAsync(async () =>
        {
            await browser.OpenPageAsync(dashboard.BaseAddress, "targets");
            return await browser.Page.Locator("[data-testid=source-row][data-source='remote-write/pushed'][data-state=Up]").CountAsync() == 1;
        }, TimeSpan.FromSeconds(30), "remote-write/pushed up on the Targets page", ct);
        await browser.OpenPageAsync(dashboard.BaseAddress, "?job=pushed");
        await browser.Page.WaitForSelectorAsync("[data-testid=latency-chart] .js-plotly-plot", new() { Timeout = 45_000 });
        await Assertions.Expect(browser.Page.Locator("[data-testid=load-error]")).ToHaveCountAsync(0);

        // The intruder's pushes were refused (Prometheus drops a batch answered 401) and wrote nothing.
        await Eventually.UntilAsync(async () => await intruder.OwnMetricAsync("prometheus_remote_storage_samples_failed_total", ct) > 0,
            TimeSpan.FromSeconds(30), "the intruder's samples to fail", ct);
        Assert.Contains("401", intruder.Log);
        foreach (var name in await store.ListNamesAsync(ct))
        {
            Assert.Empty(await store.ListSeriesAsync(SeriesSelector.Where(name, ("job", "intruder")), ct));
        }

        await browser.OpenPageAsync(dashboard.BaseAddress, "targets");
        await Assertions.Expect(browser.Page.Locator("[data-testid=source-row][data-source='remote-write/intruder']")).ToHaveCountAsync(0);
        traffic.Cancel();
        await load;
        Directory.Delete(spool, recursive: true);
    }

    [Fact]
    public async Task FullBuffer_Answers503WithRetryAfter_AndPrometheusRetriesDeliverEveryScrape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = new PostgresProcess();
        await postgres.InitAndStartAsync();
        var spool = Directory.CreateTempSubdirectory("x0-rw-spool-").FullName;
        // One pushed scrape of the Api derives a few hundred samples: the buffer is full after the first push the store cannot take.
        await using var dashboard = await DashboardProcess.StartAsync(Dashboard(postgres.ConnectionString, spool, bufferLimit: 50), ct);
        using var traffic = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = TrafficAsync(traffic.Token);
        await using var prometheus = await PrometheusProcess.StartAsync(PrometheusConfig("pushed", dashboard.BaseAddress, Token), ct);
        var store = PostgresMetricStore.Create(postgres.ConnectionString);
        var memory = SeriesSelector.Where(CanonicalSeries.PodMemoryBytes, ("job", "pushed"), ("source", "remote-write"));
        await Eventually.UntilAsync(async () => (await store.LatestAsync(memory, ct)).Count == 1, TimeSpan.FromSeconds(60), "the first pushed scrape in the store", ct);

        // The store goes away for 15 s: the buffer reaches its limit, pushes are refused with 503 + Retry-After.
        await postgres.StopAsync();
        var stoppedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var http = dashboard.AuthorizedClient();
        await Eventually.UntilAsync(async () => await FullAnswersAsync(http, ct) > 0, TimeSpan.FromSeconds(30), "a push refused as full", ct);
        await Eventually.UntilAsync(() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - stoppedAt > 15_000, TimeSpan.FromSeconds(30), "15 s of outage", ct);
        Assert.True(await prometheus.OwnMetricAsync("prometheus_remote_storage_samples_retried_total", ct) > 0, "Prometheus retried");
        using (var refused = await PushNothingAsync(http, ct))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        }

        // Back: Prometheus's retries deliver every scrape it made, the outage's too. Counted on the pod memory gauge,
        // which a scrape gives once: the store has one sample for each of Prometheus's samples of the gauge it comes from (prometheus-net's process_working_set_bytes).
        await postgres.StartAsync();
        var backAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        store = PostgresMetricStore.Create(postgres.ConnectionString); // the old pool's connections died with the server
        var latest = await Eventually.UntilAsync(async () => (await store.LatestAsync(memory, ct)).Single().Sample.TimestampMs, t => t >= backAt + 4_000,
            TimeSpan.FromSeconds(90), "pushes after the outage in the store", ct);
        var theirs = Timestamps(await prometheus.QueryAsync("process_working_set_bytes{job=\"pushed\"}[10m]", latest, ct));
        var until = theirs.Max();
        // One bucket over [first scrape, last scrape]; a start off the minute keeps the read on the raw samples (Rollups.Choose).
        var from = theirs.Min() % 60_000 == 0 ? theirs.Min() - 1 : theirs.Min();
        var ours = await store.QueryRangeAsync(new RangeQuery(memory, from, until, until + 1 - from, Aggregation.Count), ct);
        var counted = (long)ours.Single().Points.Single().Value;
        var inOutage = theirs.Count(s => s > stoppedAt && s < backAt);
        TestContext.Current.TestOutputHelper?.WriteLine($"{theirs.Count} scrapes, {inOutage} during the outage; {counted} in our store; {await FullAnswersAsync(http, ct)} pushes refused as full");
        Assert.True(inOutage >= 5, $"{inOutage} scrapes during the outage");
        Assert.Equal(theirs.Count, counted);
        traffic.Cancel();
        await load;
        Directory.Delete(spool, recursive: true);
    }

    /// <summary>
    /// The dashboard is killed while it holds part of a scrape it has acknowledged, and started again on the same spool
    /// and port: the part is read back from the held-scrape log, so every scrape Prometheus made is derived whole — none
    /// short for a lost part — and the store has each of them. Prometheus sends 37 samples a request (a scrape is split
    /// over many) and holds a scrape's tail up to 5 s for the next scrape's head, so a part is almost always held.
    /// </summary>
    [Fact]
    public async Task DashboardKilledHoldingPartOfAScrape_RestartedOnItsSpool_EveryScrapeIsDerivedWhole()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = new TemporaryDatabase();
        await database.InitializeAsync();
        var spool = Directory.CreateTempSubdirectory("x0-rw-spool-").FullName;
        var settings = Dashboard(database.ConnectionString, spool);
        settings["RemoteWrite__IncompleteScrapeGraceSeconds"] = "10";
        await using var first = await DashboardProcess.StartAsync(settings, ct);
        using var traffic = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var load = TrafficAsync(traffic.Token);
        const string queue = "\n      max_samples_per_send: 37\n      min_shards: 1\n      max_shards: 1";
        await using var prometheus = await PrometheusProcess.StartAsync(PrometheusConfig("pushed", first.BaseAddress, Token, "5s", queue), ct);
        var store = PostgresMetricStore.Create(database.ConnectionString);
        var memory = SeriesSelector.Where(CanonicalSeries.PodMemoryBytes, ("job", "pushed"), ("source", "remote-write"));
        var firstPush = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(async () => (await store.LatestAsync(memory, ct)).SingleOrDefault(),
            l => l is not null && l.Sample.Timestamp - firstPush > TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(90), "8 s of pushed scrapes", ct);

        await first.KillAsync();
        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var second = await DashboardProcess.StartAsync(settings, ct, first.BaseAddress.Port);
        Assert.Contains("Holding again", second.Output);

        // Ten scrapes after the restart: the held part's scrape is long past its grace by then.
        var latest = await Eventually.UntilAsync(async () => (await store.LatestAsync(memory, ct)).Single().Sample.TimestampMs, t => t >= killedAt + 20_000,
            TimeSpan.FromSeconds(90), "pushes after the restart in the store", ct);
        using var http = second.AuthorizedClient();
        var metrics = await http.GetStringAsync("metrics", ct);
        var incomplete = metrics.Split('\n').Where(l => l.StartsWith("x0tta6bl4_ops_remote_write_scrapes_incomplete_total{", StringComparison.Ordinal)).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", incomplete));
        Assert.All(incomplete, l => Assert.EndsWith(" 0", l));

        // Every scrape Prometheus made up to ten before the newest is in the store (the newest may still be held).
        var theirs = Timestamps(await prometheus.QueryAsync("process_working_set_bytes{job=\"pushed\"}[10m]", latest, ct));
        var until = theirs.Where(t => t <= latest).Order().SkipLast(1).Last();
        var from = theirs.Min() % 60_000 == 0 ? theirs.Min() - 1 : theirs.Min();
        var ours = await store.QueryRangeAsync(new RangeQuery(memory, from, until, until + 1 - from, Aggregation.Count), ct);
        var expected = theirs.Count(t => t <= until);
        TestContext.Current.TestOutputHelper?.WriteLine($"{expected} scrapes up to {until}, killed at {killedAt}; {ours.Single().Points.Single().Value} in our store");
        Assert.Equal(expected, (long)ours.Single().Points.Single().Value);
        traffic.Cancel();
        await load;
        Directory.Delete(spool, recursive: true);
    }

    /// <summary>An empty (but well-formed) push: refused as full while the buffer is at its limit, else 204.</summary>
    private static Task<HttpResponseMessage> PushNothingAsync(HttpClient http, CancellationToken ct)
    {
        var content = new ByteArrayContent(Snappier.Snappy.CompressToArray([]));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");
        return http.PostAsync("api/v1/write", content, ct);
    }

    private static async Task<double> FullAnswersAsync(HttpClient http, CancellationToken ct)
    {
        var text = await http.GetStringAsync("metrics", ct);
        return text.Split('\n').Where(l => l.StartsWith("x0tta6bl4_ops_remote_write_requests_total{outcome=\"full\"}", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>The sample timestamps (ms) of a range-vector query's single series.</summary>
    private static List<long> Timestamps(JsonElement result) =>
        result.EnumerateArray().Single().GetProperty("values").EnumerateArray()
            .Select(v => (long)Math.Round(v[0].GetDouble() * 1000)).ToList();
}
