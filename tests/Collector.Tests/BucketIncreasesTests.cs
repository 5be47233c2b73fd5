using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Tests;

public class BucketIncreasesTests
{
    private const string Requests = "x0tta6bl4_request_duration_seconds";
    private const string PrometheusNet = "http_request_duration_seconds";

    private static BucketIncreases New() => new([Requests, PrometheusNet], "prometheus");

    private static BucketReading Bucket(string family, string job, string instance, string le, double value, params (string, string)[] labels) =>
        new(family, job, [new Label("instance", instance), new Label("le", le), .. labels.Select(l => new Label(l.Item1, l.Item2))], value);

    private static double Value(IReadOnlyList<SeriesSample> samples, string name, params (string, string)[] labels) =>
        samples.Single(s => s.Key.Name == name && labels.All(l => s.Key[l.Item1] == l.Item2)).Value;

    [Fact]
    public void Advance_TwoPodsOneReset_SumsPerSeriesIncreasesToJobAndLe()
    {
        var increases = New();
        increases.Advance(0, [
            Bucket(Requests, "api", "pod-a", "0.1", 100, ("endpoint", "/x")),
            Bucket(Requests, "api", "pod-a", "+Inf", 120, ("endpoint", "/x")),
            Bucket(Requests, "api", "pod-b", "0.1", 500, ("endpoint", "/x")),
            Bucket(Requests, "api", "pod-b", "+Inf", 600, ("endpoint", "/x")),
        ]);

        // pod-a +10 / +15; pod-b restarted and has counted 4 / 5 since: sums 14 and 20, not 10 − 496.
        var samples = increases.Advance(15_000, [
            Bucket(Requests, "api", "pod-a", "0.1", 110, ("endpoint", "/x")),
            Bucket(Requests, "api", "pod-a", "+Inf", 135, ("endpoint", "/x")),
            Bucket(Requests, "api", "pod-b", "0.1", 4, ("endpoint", "/x")),
            Bucket(Requests, "api", "pod-b", "+Inf", 5, ("endpoint", "/x")),
        ]);

        Assert.Equal(14, Value(samples, HistogramSeries.ApiLatencyBucketIncrease, ("job", "api"), ("le", "0.1")));
        Assert.Equal(20, Value(samples, HistogramSeries.ApiLatencyBucketIncrease, ("job", "api"), ("le", "+Inf")));
        Assert.Equal(20, Value(samples, HistogramSeries.ApiEndpointLatencyBucketIncrease, ("endpoint", "/x"), ("le", "+Inf")));
        Assert.All(samples, s => Assert.Equal("prometheus", s.Key["source"]));
        Assert.All(samples, s => Assert.Null(s.Key["instance"]));
        Assert.Equal(15_000, samples[0].TimestampMs);
    }

    [Fact]
    public void Advance_FirstPoll_EmitsNothing()
    {
        Assert.Empty(New().Advance(0, [Bucket(Requests, "api", "p", "+Inf", 100)]));
    }

    [Fact]
    public void Advance_LeSpelledDifferently_IsOneCanonicalBound()
    {
        var increases = New();
        increases.Advance(0, [Bucket(Requests, "api", "p", "1.0", 1), Bucket(Requests, "api", "q", "1", 1)]);

        var samples = increases.Advance(15_000, [Bucket(Requests, "api", "p", "1.0", 3), Bucket(Requests, "api", "q", "1", 4)]);

        Assert.Equal(5, Value(samples, HistogramSeries.ApiLatencyBucketIncrease, ("le", "1")));
    }

    [Fact]
    public void Advance_JobExposingBothFamilies_CountsOnlyTheFirstListed()
    {
        var increases = New();
        increases.Advance(0, [Bucket(Requests, "api", "p", "+Inf", 0), Bucket(PrometheusNet, "api", "p", "+Inf", 0), Bucket(PrometheusNet, "web", "w", "+Inf", 0)]);

        var samples = increases.Advance(15_000, [Bucket(Requests, "api", "p", "+Inf", 7), Bucket(PrometheusNet, "api", "p", "+Inf", 7), Bucket(PrometheusNet, "web", "w", "+Inf", 2)]);

        Assert.Equal(7, Value(samples, HistogramSeries.ApiLatencyBucketIncrease, ("job", "api")));
        Assert.Equal(2, Value(samples, HistogramSeries.ApiLatencyBucketIncrease, ("job", "web")));
    }

    [Fact]
    public void Advance_DbQueryHistogram_GivesIncreasesPerQueryClass()
    {
        var increases = New();
        increases.Advance(0, [
            Bucket(HistogramSeries.DbQueryHistogram, "api", "p", "0.005", 10, ("query", "select")),
            Bucket(HistogramSeries.DbQueryHistogram, "api", "p", "+Inf", 10, ("query", "select")),
            Bucket(HistogramSeries.DbQueryHistogram, "api", "p", "+Inf", 2, ("query", "bulk_insert")),
        ]);

        var samples = increases.Advance(15_000, [
            Bucket(HistogramSeries.DbQueryHistogram, "api", "p", "0.005", 18, ("query", "select")),
            Bucket(HistogramSeries.DbQueryHistogram, "api", "p", "+Inf", 19, ("query", "select")),
            Bucket(HistogramSeries.DbQueryHistogram, "api", "p", "+Inf", 2, ("query", "bulk_insert")),
            Bucket(HistogramSeries.DbQueryHistogram, "api", "p", "+Inf", 3, ("query", "join")), // new: from zero
        ]);

        Assert.Equal(8, Value(samples, HistogramSeries.DbQueryBucketIncrease, ("query", "select"), ("le", "0.005")));
        Assert.Equal(9, Value(samples, HistogramSeries.DbQueryBucketIncrease, ("query", "select"), ("le", "+Inf")));
        Assert.Equal(0, Value(samples, HistogramSeries.DbQueryBucketIncrease, ("query", "bulk_insert"), ("le", "+Inf")));
        Assert.Equal(3, Value(samples, HistogramSeries.DbQueryBucketIncrease, ("query", "join"), ("le", "+Inf")));
        Assert.DoesNotContain(samples, s => s.Key.Name == HistogramSeries.ApiLatencyBucketIncrease);
    }

    [Fact]
    public void Advance_BadLe_IsLeftOutNotACrash()
    {
        var increases = New();
        increases.Advance(0, [Bucket(Requests, "api", "p", "fast", 1), Bucket(Requests, "api", "p", "+Inf", 1)]);

        var samples = increases.Advance(15_000, [Bucket(Requests, "api", "p", "fast", 5), Bucket(Requests, "api", "p", "+Inf", 5)]);

        Assert.Equal(["+Inf"], samples.Select(s => s.Key["le"]).Distinct());
    }

    [Fact]
    public void ScrapeDerivation_ConsecutiveScrapes_GiveIncreasesBetweenThemNotOverTheWindow()
    {
        var derivation = new ScrapeDerivation("api", "p", TimeSpan.FromSeconds(60), CollectorOptions.DefaultLatencyHistograms, CollectorOptions.DefaultRequestCounters);
        Exposition Text(double fast, double all, double select) => ExpositionParser.Parse($"""
            x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="0.1"{"}"} {fast}
            x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="+Inf"{"}"} {all}
            x0tta6bl4_request_duration_seconds_count{"{"}endpoint="/a",method="GET"{"}"} {all}
            x0tta6bl4_db_query_duration_seconds_bucket{"{"}query="select",le="+Inf"{"}"} {select}
            """);

        Assert.DoesNotContain(derivation.Derive(Text(10, 10, 5), 0), s => s.Key.Name == HistogramSeries.ApiLatencyBucketIncrease);
        derivation.Derive(Text(15, 20, 6), 10_000);
        var samples = derivation.Derive(Text(18, 30, 9), 20_000);

        // Against the scrape at 10 s, although the one at 0 s is still inside the 60 s window.
        Assert.Equal(3, Value(samples, HistogramSeries.ApiLatencyBucketIncrease, ("le", "0.1")));
        Assert.Equal(10, Value(samples, HistogramSeries.ApiLatencyBucketIncrease, ("le", "+Inf")));
        Assert.Equal(10, Value(samples, HistogramSeries.ApiEndpointLatencyBucketIncrease, ("endpoint", "/a"), ("le", "+Inf")));
        Assert.Equal(3, Value(samples, HistogramSeries.DbQueryBucketIncrease, ("query", "select"), ("le", "+Inf")));
        Assert.All(samples.Where(s => s.Key.Name.EndsWith("_bucket_increase")), s =>
        {
            Assert.Equal("scrape", s.Key["source"]);
            Assert.Equal("api", s.Key["job"]);
        });
    }

    [Fact]
    public void ScrapeDerivation_AfterForgetPreviousPoll_NextScrapeIsOnlyABaseline()
    {
        var derivation = new ScrapeDerivation("api", "p", TimeSpan.FromSeconds(60), CollectorOptions.DefaultLatencyHistograms, CollectorOptions.DefaultRequestCounters);
        Exposition Text(double all) => ExpositionParser.Parse($"""
            x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",le="+Inf"{"}"} {all}
            """);
        derivation.Derive(Text(10), 0);

        derivation.ForgetPreviousPoll(); // another instance polled meanwhile
        Assert.DoesNotContain(derivation.Derive(Text(50), 60_000), s => s.Key.Name == HistogramSeries.ApiLatencyBucketIncrease);
        Assert.Equal(2, Value(derivation.Derive(Text(52), 75_000), HistogramSeries.ApiLatencyBucketIncrease, ("le", "+Inf")));
    }
}
