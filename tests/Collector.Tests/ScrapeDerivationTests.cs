using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Tests;

public class ScrapeDerivationTests
{
    private static ScrapeDerivation NewDerivation() => new(
        "api", "10.0.0.1:8080", TimeSpan.FromSeconds(60),
        CollectorOptions.DefaultLatencyHistograms, CollectorOptions.DefaultRequestCounters);

    private static Exposition Scrape(double ok, double errors, double le01, double le02, double inf, double cpu) => ExpositionParser.Parse($"""
        x0tta6bl4_requests_total{"{"}endpoint="/a",method="GET",status="200"{"}"} {ok}
        x0tta6bl4_requests_total{"{"}endpoint="/a",method="GET",status="503"{"}"} {errors}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="0.1"{"}"} {le01}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="0.2"{"}"} {le02}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="+Inf"{"}"} {inf}
        process_cpu_seconds_total {cpu}
        process_resident_memory_bytes 1048576
        """);

    private static double Value(IReadOnlyList<SeriesSample> samples, string name, params (string, string)[] labels) =>
        samples.Single(s => s.Key.Name == name && labels.All(l => s.Key[l.Item1] == l.Item2)).Value;

    [Fact]
    public void FirstScrape_GivesGaugesOnly()
    {
        var samples = NewDerivation().Derive(Scrape(100, 0, 50, 80, 100, 1), 0);

        Assert.Equal([CanonicalSeries.PodMemoryBytes], samples.Select(s => s.Key.Name));
        Assert.Equal(1_048_576, samples[0].Value);
    }

    [Fact]
    public void SecondScrape_GivesRatesByClassQuantilesAndCpu()
    {
        var derivation = NewDerivation();
        derivation.Derive(Scrape(100, 0, 50, 80, 100, 1.0), 0);

        // 10 s later: +190 ok, +10 errors; buckets +100 / +160 / +200; +0.5 CPU-seconds.
        var samples = derivation.Derive(Scrape(290, 10, 150, 240, 300, 1.5), 10_000);

        Assert.Equal(19, Value(samples, CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), 12);
        Assert.Equal(1, Value(samples, CanonicalSeries.ApiRequestsPerSecond, ("class", "5xx")), 12);
        // p50: rank 100 of 200 → the end of the first bucket: 0.1. p75: rank 150 → 0.1 + 0.1 × (50/60).
        Assert.Equal(0.1, Value(samples, CanonicalSeries.ApiLatencySeconds, ("quantile", "0.5")), 12);
        Assert.Equal(0.1 + 0.1 * 50 / 60, Value(samples, CanonicalSeries.ApiLatencySeconds, ("quantile", "0.75")), 12);
        // p90: rank 180 > 160 → in +Inf → clamped at 0.2.
        Assert.Equal(0.2, Value(samples, CanonicalSeries.ApiLatencySeconds, ("quantile", "0.9")));
        Assert.Equal(1, Value(samples, CanonicalSeries.ApiLatencyClamped, ("quantile", "0.9")));
        Assert.Equal(0, Value(samples, CanonicalSeries.ApiLatencyClamped, ("quantile", "0.5")));
        Assert.Equal(50, Value(samples, CanonicalSeries.PodCpuMillicores), 9);
        Assert.All(samples, s => Assert.Equal("api", s.Key["job"]));
        Assert.All(samples, s => Assert.Equal("scrape", s.Key["source"]));
    }

    [Fact]
    public void CounterReset_BetweenScrapes_CountsFromZero()
    {
        var derivation = NewDerivation();
        derivation.Derive(Scrape(1000, 0, 50, 80, 100, 100), 0);

        // The process restarted: counters are lower than before.
        var samples = derivation.Derive(Scrape(30, 0, 10, 20, 30, 0.5), 10_000);

        Assert.Equal(3, Value(samples, CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), 12);
        Assert.Equal(50, Value(samples, CanonicalSeries.PodCpuMillicores), 9);
    }

    [Fact]
    public void NoRequestsInWindow_GivesNoLatencyNotZero()
    {
        var derivation = NewDerivation();
        derivation.Derive(Scrape(100, 0, 50, 80, 100, 1), 0);

        var samples = derivation.Derive(Scrape(100, 0, 50, 80, 100, 1), 10_000);

        Assert.DoesNotContain(samples, s => s.Key.Name == CanonicalSeries.ApiLatencySeconds);
        Assert.Equal(0, Value(samples, CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")));
    }

    [Fact]
    public void Window_UsesTheOldestScrapeStillInside()
    {
        var derivation = new ScrapeDerivation("api", "p", TimeSpan.FromSeconds(20), CollectorOptions.DefaultLatencyHistograms, CollectorOptions.DefaultRequestCounters);
        derivation.Derive(Scrape(0, 0, 0, 0, 0, 0), 0);
        derivation.Derive(Scrape(100, 0, 0, 0, 0, 0), 10_000);
        derivation.Derive(Scrape(200, 0, 0, 0, 0, 0), 20_000);

        // At 30 s the scrape at 0 s left the 20 s window; the baseline is the one at 10 s: 300 over 20 s.
        var samples = derivation.Derive(Scrape(400, 0, 0, 0, 0, 0), 30_000);

        Assert.Equal(15, Value(samples, CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), 12);
    }

    [Fact]
    public void PrometheusNetNames_WorkWithoutConfiguration()
    {
        var derivation = NewDerivation();
        Exposition Text(double n) => ExpositionParser.Parse($"""
            http_request_duration_seconds_bucket{"{"}code="200",method="GET",endpoint="/",le="0.01"{"}"} {n}
            http_request_duration_seconds_bucket{"{"}code="200",method="GET",endpoint="/",le="+Inf"{"}"} {n}
            http_request_duration_seconds_count{"{"}code="200",method="GET",endpoint="/"{"}"} {n}
            """);
        derivation.Derive(Text(0), 0);

        var samples = derivation.Derive(Text(20), 10_000);

        Assert.Equal(2, Value(samples, CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), 12);
        Assert.Equal(0.005, Value(samples, CanonicalSeries.ApiLatencySeconds, ("quantile", "0.5")), 12);
    }

    [Fact]
    public void SecondScrape_GivesPerEndpointLatencyAndRatesAndThePoolGauges()
    {
        var derivation = NewDerivation();
        Exposition Text(double a, double b) => ExpositionParser.Parse($"""
            x0tta6bl4_requests_total{"{"}endpoint="/a",method="GET",status="200"{"}"} {a}
            x0tta6bl4_requests_total{"{"}endpoint="/b",method="GET",status="404"{"}"} {b}
            x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="0.01"{"}"} {a}
            x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="+Inf"{"}"} {a}
            x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/b",method="GET",le="0.01"{"}"} 0
            x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/b",method="GET",le="1"{"}"} {b}
            x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/b",method="GET",le="+Inf"{"}"} {b}
            x0tta6bl4_db_pool_connections_busy 3
            x0tta6bl4_db_pool_connections_max 20
            """);
        derivation.Derive(Text(0, 0), 0);

        var samples = derivation.Derive(Text(100, 10), 10_000);

        Assert.Equal(10, Value(samples, CanonicalSeries.ApiEndpointRequestsPerSecond, ("endpoint", "/a"), ("class", "2xx")), 12);
        Assert.Equal(1, Value(samples, CanonicalSeries.ApiEndpointRequestsPerSecond, ("endpoint", "/b"), ("class", "4xx")), 12);
        Assert.Equal(0.005, Value(samples, CanonicalSeries.ApiEndpointLatencySeconds, ("endpoint", "/a"), ("quantile", "0.5")), 12);
        // /b: all 10 in (0.01, 1]: p95 = 0.01 + 0.99 × 0.95.
        Assert.Equal(0.01 + 0.99 * 0.95, Value(samples, CanonicalSeries.ApiEndpointLatencySeconds, ("endpoint", "/b"), ("quantile", "0.95")), 12);
        Assert.Equal(3, Value(samples, CanonicalSeries.DbPoolConnections, ("state", "busy")));
        Assert.Equal(20, Value(samples, CanonicalSeries.DbPoolMaxConnections));
    }
}
