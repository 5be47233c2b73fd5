using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>Direct scrape of the real Api started by scripts/stack.</summary>
public class ScrapeSourceIntegrationTests
{
    private static CollectorOptions Options()
    {
        var options = new CollectorOptions();
        options.LatencyHistograms.AddRange(CollectorOptions.DefaultLatencyHistograms);
        options.RequestCounters.AddRange(CollectorOptions.DefaultRequestCounters);
        return options;
    }

    private static ScrapeSource Source(string url) =>
        new(new HttpClient(), "api", () => new Uri(url), url, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5), Options());

    [Fact]
    public async Task TwoScrapesAroundTraffic_GiveRatesAndQuantilesOfThatTraffic()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = Source(StackEnvironment.ApiUrl + "/metrics");
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await source.CollectAsync(start, ct);

        await StackTraffic.SendAsync(100, ct); // 90 × 200, 10 × 404
        var samples = await source.CollectAsync(start + 10_000, ct);

        // Other tests may send traffic meanwhile, so at least ours is counted: 90 ok and 10 missing in 10 s.
        Assert.True(samples.Single(s => s.Key.Name == CanonicalSeries.ApiRequestsPerSecond && s.Key["class"] == "2xx").Value >= 9);
        Assert.True(samples.Single(s => s.Key.Name == CanonicalSeries.ApiRequestsPerSecond && s.Key["class"] == "4xx").Value >= 1);
        var p50 = samples.Single(s => s.Key.Name == CanonicalSeries.ApiLatencySeconds && s.Key["quantile"] == "0.5").Value;
        var p99 = samples.Single(s => s.Key.Name == CanonicalSeries.ApiLatencySeconds && s.Key["quantile"] == "0.99").Value;
        Assert.InRange(p50, 0.0, 1.0);
        Assert.True(p99 >= p50);
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.PodMemoryBytes && s.Value > 10_000_000);
    }

    [Fact]
    public async Task ClosedPort_FailsWithTheAddressInTheError()
    {
        var source = Source("http://127.0.0.1:1/metrics");

        var e = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(0, TestContext.Current.CancellationToken));

        Assert.Contains("127.0.0.1:1", e.Message);
    }

    [Fact]
    public async Task NonMetricsPage_FailsAsMalformedExposition()
    {
        var source = Source(StackEnvironment.ApiUrl + "/api/v1/status"); // JSON, not an exposition

        var e = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(0, TestContext.Current.CancellationToken));

        Assert.Contains("malformed exposition", e.Message);
    }

    [Fact]
    public async Task NotFound_FailsWithTheStatus()
    {
        var source = Source(StackEnvironment.ApiUrl + "/nope");

        var e = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(0, TestContext.Current.CancellationToken));

        Assert.Contains("404", e.Message);
    }
}
