using System.Globalization;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>Against the real Prometheus started by scripts/stack, scraping the real Api.</summary>
public class PrometheusIntegrationTests
{
    private static PrometheusClient NewClient() =>
        new(PrometheusHttp.CreateClient(new PrometheusSourceOptions { Url = StackEnvironment.PrometheusUrl }));

    [Fact]
    public async Task Query_Up_ReportsTheApiTargetHealthy()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = NewClient();

        PromQueryResult result = await WaitForAsync(() => client.QueryAsync("up{job=\"api\"}", null, ct), r => r.Samples.Count > 0, ct);

        Assert.Equal(1, result.Samples.Single().Value);
    }

    [Fact]
    public async Task Query_BadPromQL_ThrowsWithPrometheusErrorType()
    {
        var e = await Assert.ThrowsAsync<PrometheusApiException>(() =>
            NewClient().QueryAsync("sum(rate(", null, TestContext.Current.CancellationToken));

        Assert.Equal("bad_data", e.ErrorType);
        Assert.False(e.Transient);
    }

    [Fact]
    public async Task Query_NaNResult_IsReadAsNaN()
    {
        var result = await NewClient().QueryAsync("vector(0) / 0", null, TestContext.Current.CancellationToken);

        Assert.True(double.IsNaN(result.Samples.Single().Value));
    }

    [Fact]
    public async Task Query_UnreachableServer_IsTransientError()
    {
        var client = new PrometheusClient(PrometheusHttp.CreateClient(new PrometheusSourceOptions { Url = "http://127.0.0.1:1", Attempts = 2 }));

        var e = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryAsync("up", null, TestContext.Current.CancellationToken));

        Assert.True(e.Transient);
        Assert.Contains("unreachable", e.Message);
    }

    [Fact]
    public async Task HistogramQuantile_OurEstimateAgreesWithPrometheusOnTheSameBuckets()
    {
        var ct = TestContext.Current.CancellationToken;
        await StackTraffic.SendAsync(200, ct);
        var client = NewClient();
        await WaitForAsync(() => client.QueryAsync("sum(x0tta6bl4_request_duration_seconds_count{job=\"api\"})", null, ct), r => r.Samples.Count > 0 && r.Samples[0].Value >= 200, ct);

        // One instant for both reads, so both see exactly the same stored bucket values.
        var at = DateTimeOffset.UtcNow;
        var buckets = await client.QueryAsync("sum by (le) (x0tta6bl4_request_duration_seconds_bucket{job=\"api\"})", at, ct);
        var ours = buckets.Samples.Select(s => new Bucket(
            s.Label("le") == "+Inf" ? double.PositiveInfinity : double.Parse(s.Label("le")!, CultureInfo.InvariantCulture), s.Value)).ToList();

        foreach (var q in CanonicalSeries.LatencyQuantiles)
        {
            var theirs = await client.QueryAsync(
                $"histogram_quantile({q.ToString(CultureInfo.InvariantCulture)}, sum by (le) (x0tta6bl4_request_duration_seconds_bucket{{job=\"api\"}}))", at, ct);
            Assert.Equal(theirs.Samples.Single().Value, HistogramQuantile.Estimate(q, ours).Value, 12);
        }
    }

    [Fact]
    public async Task PrometheusSource_AfterTraffic_WritesCanonicalSeriesForTheApi()
    {
        var ct = TestContext.Current.CancellationToken;
        var collector = new CollectorOptions { WindowSeconds = 30 };
        collector.LatencyHistograms.AddRange(CollectorOptions.DefaultLatencyHistograms);
        collector.RequestCounters.AddRange(CollectorOptions.DefaultRequestCounters);
        var source = new PrometheusSource(NewClient(), new PrometheusSourceOptions { Url = StackEnvironment.PrometheusUrl }, collector);

        await StackTraffic.SendAsync(100, ct);
        // Traffic goes on while we wait: every figure is a rate or quantile over the last 30 s, so a wait that outlasts
        // one burst (a loaded machine, a late scrape) would otherwise watch the burst leave the window.
        var samples = await WaitForAsync(
            async () =>
            {
                await StackTraffic.SendAsync(20, ct);
                return await source.CollectAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ct);
            },
            s => s.Any(x => x.Key.Name == CanonicalSeries.ApiLatencySeconds && x.Key["job"] == "api")
                 && s.Any(x => x.Key.Name == CanonicalSeries.ApiRequestsPerSecond && x.Key["job"] == "api" && x.Key["class"] == "4xx")
                 && s.Any(x => x.Key.Name == CanonicalSeries.ApiEndpointLatencySeconds && x.Key["endpoint"] == "/api/v1/status"),
            ct);

        Assert.All(samples, s => Assert.Equal("prometheus", s.Key["source"]));
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.PodMemoryBytes && s.Key["job"] == "api" && s.Value > 10_000_000);
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.TargetUp && s.Key["job"] == "api" && s.Value == 1);
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.ApiEndpointLatencySeconds && s.Key["endpoint"] == "/api/v1/status");
        // The stack's Api runs on this machine with the default pool, 2 × cores + 1.
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.DbPoolMaxConnections && s.Key["job"] == "api"
                                      && s.Value == 2 * Environment.ProcessorCount + 1);
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.PrometheusSeries && s.Value > 100);
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.TargetScrapeSeconds && s.Key["job"] == "api");
        // The Api exposes only the x0tta6bl4_* names, so every latency quantile comes once per job.
        Assert.Equal(CanonicalSeries.LatencyQuantiles.Count, samples.Count(s => s.Key.Name == CanonicalSeries.ApiLatencySeconds && s.Key["job"] == "api"));
    }

    [Fact]
    public async Task PrometheusSource_WithTheStacksNodeExporter_MeasuresTheHostsDiskAndNetwork()
    {
        var ct = TestContext.Current.CancellationToken;
        var collector = new CollectorOptions { WindowSeconds = 30 };
        var source = new PrometheusSource(NewClient(), new PrometheusSourceOptions { Url = StackEnvironment.PrometheusUrl }, collector);
        bool Node(SeriesSample s, string name) => s.Key.Name == name && s.Key["job"] == "node" && s.Key["exporter"] == "node_exporter";

        // scripts/stack runs node_exporter and its Prometheus scrapes it (job node): two scrapes give the rates.
        var samples = await WaitForAsync(() => source.CollectAsync(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ct),
            s => s.Any(x => Node(x, CanonicalSeries.PodDiskWriteBytesPerSecond) && x.Value > 0), ct);

        // The host writes all the time (PostgreSQL's WAL, Prometheus's head): a rate above zero. Network is measured too,
        // but may be 0 here: the stack talks over loopback only, which is left out as traffic counted twice.
        Assert.Contains(samples, s => Node(s, CanonicalSeries.PodDiskReadBytesPerSecond) && s.Value >= 0);
        Assert.Contains(samples, s => Node(s, CanonicalSeries.PodNetworkReceiveBytesPerSecond) && s.Value >= 0);
        Assert.Contains(samples, s => Node(s, CanonicalSeries.PodNetworkTransmitBytesPerSecond) && s.Value >= 0);
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.TargetUp && s.Key["job"] == "node" && s.Value == 1);
        Assert.DoesNotContain(samples, s => s.Key.Name == CanonicalSeries.TargetUp && s.Key["job"] == "cadvisor");
    }

    [Fact]
    public async Task QueryRange_LongerThan11000Steps_IsReadInPiecesAndStitched()
    {
        var ct = TestContext.Current.CancellationToken;
        var to = DateTimeOffset.UtcNow;
        var from = to.AddSeconds(-25_000); // 25,001 one-second steps: three requests

        var series = await NewClient().QueryRangeAsync("vector(1)", from, to, TimeSpan.FromSeconds(1), ct);

        var points = series.Single().Points;
        Assert.Equal(25_001, points.Count);
        Assert.Equal(points.Count, points.Select(p => p.TimestampMs).Distinct().Count());
        Assert.All(points, p => Assert.Equal(1, p.Value));
    }

    [Fact]
    public async Task Targets_ListTheApiWithItsHealth()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = NewClient();

        var targets = await WaitForAsync(() => client.TargetsAsync(ct), t => t.Any(x => x.Job == "api" && x.Health == "up"), ct);

        var api = targets.Single(t => t.Job == "api");
        Assert.Equal("", api.LastError);
        Assert.EndsWith("/metrics", api.ScrapeUrl);
        Assert.NotNull(api.LastScrape);
    }

    /// <summary>Prometheus needs a scrape or two before new data shows: wait for it, up to 30 s.</summary>
    private static Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken ct) =>
        Eventually.UntilAsync(read, done, TimeSpan.FromSeconds(30), "Prometheus to show the new data", ct);
}
