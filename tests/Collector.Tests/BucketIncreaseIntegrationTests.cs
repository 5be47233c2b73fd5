using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>
/// The per-poll bucket increases against the real Api and Prometheus of scripts/stack: summed over a poll, they
/// must equal the change of the histogram's own total between the two polls, read independently.
/// </summary>
public class BucketIncreaseIntegrationTests
{
    private const string Histogram = "x0tta6bl4_request_duration_seconds";

    private static CollectorOptions Options()
    {
        var options = new CollectorOptions();
        options.LatencyHistograms.AddRange(CollectorOptions.DefaultLatencyHistograms);
        options.RequestCounters.AddRange(CollectorOptions.DefaultRequestCounters);
        return options;
    }

    private static double Sum(IEnumerable<SeriesSample> samples, string name, string le) =>
        samples.Where(s => s.Key.Name == name && s.Key["job"] == "api" && s.Key["le"] == le).Sum(s => s.Value);

    [Fact]
    public async Task PrometheusSource_IncreaseOfTheInfBucket_EqualsTheChangeOfTheSumInPrometheus()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new PrometheusClient(PrometheusHttp.CreateClient(new PrometheusSourceOptions { Url = StackEnvironment.PrometheusUrl }));
        var source = new PrometheusSource(client, new PrometheusSourceOptions { Url = StackEnvironment.PrometheusUrl }, Options());
        async Task<double> TotalAt(string histogram, long ms) =>
            (await client.QueryAsync($"sum({histogram}_bucket{{job=\"api\",le=\"+Inf\"}})", DateTimeOffset.FromUnixTimeMilliseconds(ms), ct)).Samples.Sum(s => s.Value);

        // Polls a second in the past, so that a scrape begun just before the poll instant is already stored when
        // the poll reads it and when the test reads it again.
        await StackTraffic.SendAsync(10, ct); // so the db and request histograms exist
        var first = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000;
        Assert.DoesNotContain(await source.CollectAsync(first, ct), s => s.Key.Name == HistogramSeries.ApiLatencyBucketIncrease);
        var before = await TotalAt(Histogram, first);

        await StackTraffic.SendAsync(50, ct);
        await Eventually.UntilAsync(() => TotalAt(Histogram, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000), t => t >= before + 50,
            TimeSpan.FromSeconds(30), "Prometheus to scrape the 50 requests", ct);
        var second = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000;
        var samples = await source.CollectAsync(second, ct);
        var after = await TotalAt(Histogram, second);

        var increase = Sum(samples, HistogramSeries.ApiLatencyBucketIncrease, "+Inf");
        Assert.True(increase >= 50, $"increase {increase}");
        Assert.Equal(after - before, increase, 9);
        Assert.Equal(increase, Sum(samples, HistogramSeries.ApiEndpointLatencyBucketIncrease, "+Inf"), 9);
        Assert.True(Sum(samples, HistogramSeries.ApiEndpointLatencyBucketIncrease, "+Inf") > 0);
        Assert.Equal(await TotalAt(HistogramSeries.DbQueryHistogram, second) - await TotalAt(HistogramSeries.DbQueryHistogram, first),
            Sum(samples, HistogramSeries.DbQueryBucketIncrease, "+Inf"), 9);
        Assert.Contains(samples, s => s.Key.Name == HistogramSeries.DbQueryBucketIncrease && s.Key["query"] is { Length: > 0 });

        // Every bucket of the Api's exponential layout, with the text Prometheus stores, and cumulative.
        var les = samples.Where(s => s.Key.Name == HistogramSeries.ApiLatencyBucketIncrease).ToDictionary(s => s.Key["le"]!, s => s.Value);
        Assert.Equal(44, les.Count);
        Assert.Contains("0.001", les.Keys);
        Assert.Contains("0.00125", les.Keys);
        Assert.True(les["0.001"] <= les["0.00125"] && les["0.00125"] <= les["+Inf"]);
        Assert.All(samples.Where(s => s.Key.Name.EndsWith("_bucket_increase")), s => Assert.Equal("prometheus", s.Key["source"]));
    }

    [Fact]
    public async Task ScrapeSource_IncreaseOfTheInfBucket_EqualsTheChangeOfTheApisOwnCount()
    {
        var ct = TestContext.Current.CancellationToken;
        var bodies = new List<(string Body, string? MediaType)>();
        var url = StackEnvironment.ApiUrl + "/metrics";
        var source = new ScrapeSource(new HttpClient(new Recording(bodies)), "api", () => new Uri(url), url,
            TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(5), Options());
        double Count((string Body, string? MediaType) scrape, string histogram) =>
            ExpositionParser.Parse(scrape.Body, ExpositionParser.FormatOf(scrape.MediaType)).Samples.Where(s => s.Name == histogram + "_count").Sum(s => s.Value);

        await StackTraffic.SendAsync(10, ct);
        var start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.DoesNotContain(await source.CollectAsync(start, ct), s => s.Key.Name == HistogramSeries.ApiLatencyBucketIncrease);
        await StackTraffic.SendAsync(50, ct);
        var samples = await source.CollectAsync(start + 10_000, ct);

        var increase = Sum(samples, HistogramSeries.ApiLatencyBucketIncrease, "+Inf");
        Assert.True(increase >= 50, $"increase {increase}");
        Assert.Equal(Count(bodies[1], Histogram) - Count(bodies[0], Histogram), increase, 9);
        Assert.Equal(increase, Sum(samples, HistogramSeries.ApiEndpointLatencyBucketIncrease, "+Inf"), 9);
        Assert.Equal(Count(bodies[1], HistogramSeries.DbQueryHistogram) - Count(bodies[0], HistogramSeries.DbQueryHistogram),
            Sum(samples, HistogramSeries.DbQueryBucketIncrease, "+Inf"), 9);
        Assert.Equal(44, samples.Count(s => s.Key.Name == HistogramSeries.ApiLatencyBucketIncrease));
        Assert.All(samples.Where(s => s.Key.Name.EndsWith("_bucket_increase")), s => Assert.Equal("scrape", s.Key["source"]));
    }

    /// <summary>Keeps a copy of each body the real Api served, so the test reads exactly what the source read.</summary>
    private sealed class Recording(List<(string Body, string? MediaType)> bodies) : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            bodies.Add((await response.Content.ReadAsStringAsync(cancellationToken), response.Content.Headers.ContentType?.MediaType));
            return response;
        }
    }
}
