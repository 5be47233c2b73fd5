using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>The Prometheus-compatible query API over a real store with known samples.</summary>
public sealed class QueryApiTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"x0-query-{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _client = null!;

    // 2026-11-20 00:00:00 UTC and samples every 15 s for 2 minutes: values 0, 1, 2 … 7.
    private const long Start = 1_795_132_800_000;

    public async ValueTask InitializeAsync()
    {
        _factory = QueryApiHost.Start(_path);
        _client = QueryApiHost.Authorized(_factory.CreateClient());
        var store = _factory.Services.GetRequiredService<IMetricStore>();
        var p99 = SeriesKey.Of("api_latency_seconds", ("job", "api"), ("quantile", "0.99"));
        var p50 = SeriesKey.Of("api_latency_seconds", ("job", "api"), ("quantile", "0.5"));
        await store.WriteAsync(Enumerable.Range(0, 8).SelectMany(i => new SeriesSample[]
        {
            new(p99, Start + i * 15_000, i),
            new(p50, Start + i * 15_000, i / 10.0),
        }).Append(new SeriesSample(SeriesKey.Of("up", ("job", "api")), Start, double.PositiveInfinity)).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        var response = await _client.GetAsync(url, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
    }

    private async Task<List<(double, string?)>> P99ValuesAsync(long from, long to, string step)
    {
        var json = await GetAsync($"/api/v1/query_range?query=api_latency_seconds{{quantile=\"0.99\"}}&start={(Start + from) / 1000.0}&end={(Start + to) / 1000.0}&step={step}");
        Assert.Equal("success", json.GetProperty("status").GetString());
        Assert.Equal("matrix", json.GetProperty("data").GetProperty("resultType").GetString());
        var result = json.GetProperty("data").GetProperty("result").EnumerateArray().ToList();
        if (result.Count == 0)
        {
            return [];
        }

        var series = Assert.Single(result);
        Assert.Equal("api_latency_seconds", series.GetProperty("metric").GetProperty("__name__").GetString());
        return series.GetProperty("values").EnumerateArray().Select(v => (v[0].GetDouble(), v[1].GetString())).ToList();
    }

    private static (double, string?) At(long ms, string value) => ((Start + ms) / 1000.0, value);

    [Fact]
    public async Task QueryRange_StepUnderAMinute_GivesAtEachTTheNewestSampleAtOrBeforeIt_AsPrometheusDoes()
    {
        // Samples at 0, 15, … 105 s with values 0 … 7: at t = 30, 60, 90 s the samples at exactly those times.
        Assert.Equal([At(30_000, "2"), At(60_000, "4"), At(90_000, "6")], await P99ValuesAsync(30_000, 90_000, "30"));
    }

    [Fact]
    public async Task QueryRange_StepShorterThanTheSampleInterval_RepeatsTheLastSample_WithoutGaps()
    {
        Assert.Equal([At(0, "0"), At(5_000, "0"), At(10_000, "0"), At(15_000, "1"), At(20_000, "1"), At(25_000, "1"), At(30_000, "2")],
            await P99ValuesAsync(0, 30_000, "5"));
    }

    [Fact]
    public async Task QueryRange_AfterTheLastSample_TheSeriesGoesOnForFiveMinutes_ThenEnds()
    {
        // The last sample is at 105 s: it is the value until 105 + 300 s, exclusive (a lookback open on the left, as Prometheus 3's).
        var values = await P99ValuesAsync(105_000, 455_000, "50");

        Assert.Equal([At(105_000, "7"), At(155_000, "7"), At(205_000, "7"), At(255_000, "7"), At(305_000, "7"), At(355_000, "7")], values);
        Assert.Empty(await P99ValuesAsync(405_000, 455_000, "50"));
    }

    [Fact]
    public async Task QueryRange_StepOfAMinuteOrMore_GivesTheNewestSampleAtOrBeforeT_AsPrometheusDoes()
    {
        // At t = 60 s the sample exactly at 60 s; at t = 120 s the newest before it, at 105 s; the first point (t = 0)
        // is there too: the sample at 0 s.
        Assert.Equal([At(0, "0"), At(60_000, "4"), At(120_000, "7")], await P99ValuesAsync(0, 120_000, "60"));
    }

    [Fact]
    public async Task QueryRange_WhereTheRawChunksAreGone_TheTiersAnswer_WithoutASampleExactlyAtT()
    {
        // Retention folds the hour into the 1-min tier and drops its raw chunk (raw kept for a day, as if it were 17 days on).
        var store = _factory.Services.GetRequiredService<IMetricStore>();
        await store.EnforceRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(35), TimeSpan.FromDays(400)),
            DateTimeOffset.FromUnixTimeMilliseconds(Start).AddDays(2), TestContext.Current.CancellationToken);

        // The tiers keep each minute's newest sample with its time: at t = 60 s the newest in [0, 60) is at 45 s (the one
        // exactly at 60 s is not its minute's newest: the documented deviation); from 120 s the one at 105 s, until it is
        // 5 minutes old: no point at 420 s, as Prometheus would say.
        Assert.Equal([At(60_000, "3"), At(120_000, "7"), At(180_000, "7"), At(240_000, "7"), At(300_000, "7"), At(360_000, "7")],
            await P99ValuesAsync(60_000, 420_000, "60"));
    }

    [Fact]
    public async Task QueryRange_ALargeAnswer_KeepsTheSeriesInOrder_AndEveryPoint()
    {
        // 12 series × 2,000 one-second points: enough for the answer to be formatted on several threads.
        var store = _factory.Services.GetRequiredService<IMetricStore>();
        var keys = Enumerable.Range(0, 12).Select(i => SeriesKey.Of("big", ("i", $"{i:D2}"))).ToList();
        await store.WriteAsync(keys.SelectMany((k, i) => Enumerable.Range(0, 2_000).Select(t => new SeriesSample(k, Start + t * 1_000L, i * 10_000 + t + 0.5))).ToList(),
            TestContext.Current.CancellationToken);

        var json = await GetAsync($"/api/v1/query_range?query=big&start={Start / 1000 + 1}&end={Start / 1000 + 2_000}&step=1");

        var result = json.GetProperty("data").GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(keys.Select(k => k["i"]), result.Select(r => r.GetProperty("metric").GetProperty("i").GetString()));
        for (var i = 0; i < result.Count; i++)
        {
            var values = result[i].GetProperty("values").EnumerateArray().ToList();
            Assert.Equal(2_000, values.Count);
            Assert.All(values.Select((v, t) => (v, t)), p =>
            {
                // The sample at t itself, and at the end (2,000 s) the last one, at 1,999 s.
                Assert.Equal(Start / 1000.0 + p.t + 1, p.v[0].GetDouble());
                Assert.Equal((i * 10_000 + Math.Min(p.t + 1, 1_999) + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), p.v[1].GetString());
            });
        }
    }

    [Fact]
    public async Task Query_ReturnsTheNewestSampleWithinFiveMinutes_AndInfinityAsPrometheusWritesIt()
    {
        var json = await GetAsync($"/api/v1/query?query=up&time={Start / 1000 + 60}");
        var later = await GetAsync($"/api/v1/query?query=up&time={Start / 1000 + 600}");

        Assert.Equal("+Inf", json.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString());
        Assert.Equal(0, later.GetProperty("data").GetProperty("result").GetArrayLength()); // older than the lookback
    }

    [Theory]
    [InlineData("/api/v1/query?query=rate(up[5m])", "only series selectors")]
    [InlineData("/api/v1/query_range?query=up&start=1&end=2&step=abc", "step")]
    [InlineData("/api/v1/query_range?query=up&start=0&end=100000&step=1", "11,000 points")]
    [InlineData("/api/v1/query?query=up&time=yesterday", "time")]
    [InlineData("/api/v1/series", "match[]")]
    public async Task BadRequests_Are400WithBadDataAndTheReason(string url, string reason)
    {
        var response = await _client.GetAsync(url, TestContext.Current.CancellationToken);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("error", json.GetProperty("status").GetString());
        Assert.Equal("bad_data", json.GetProperty("errorType").GetString());
        Assert.Contains(reason, json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(0, 11_000, "1")]       // 11,001 points, the most Prometheus gives, each looking back 5 minutes
    [InlineData(0, 11, "0.001")]       // a lookback of 300,000 such steps, read as one
    [InlineData(0, 660_059, "60")]     // 11,000 whole steps and 59 s more: read from a step before the first point
    public async Task QueryRange_AtTheMostPointsPrometheusAllows_Answers(int fromSeconds, int toSeconds, string step)
    {
        var response = await _client.GetAsync($"/api/v1/query_range?query=api_latency_seconds&start={Start / 1000 + fromSeconds}&end={Start / 1000 + toSeconds}&step={step}",
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(2, json.GetProperty("data").GetProperty("result").GetArrayLength());
    }

    [Fact]
    public async Task SeriesLabelsAndValues_ListWhatIsStored()
    {
        var series = await GetAsync("/api/v1/series?match[]=api_latency_seconds");
        var labels = await GetAsync("/api/v1/labels");
        var quantiles = await GetAsync("/api/v1/label/quantile/values");
        var names = await GetAsync("/api/v1/label/__name__/values");

        Assert.Equal(2, series.GetProperty("data").GetArrayLength());
        Assert.Equal(["__name__", "job", "quantile"], labels.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["0.5", "0.99"], quantiles.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["api_latency_seconds", "up"], names.GetProperty("data").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task WithoutCredentials_TheApiIsRefused_AndWrongOnesToo()
    {
        var anonymous = await _factory.CreateClient().GetAsync("/api/v1/labels", TestContext.Current.CancellationToken);
        var wrong = _factory.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("reader:nope"u8.ToArray()));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v1/labels", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Csv_HasOneRowPerPoint()
    {
        var csv = await _client.GetStringAsync($"/api/v1/query_range?query=api_latency_seconds{{quantile=\"0.5\"}}&start={Start / 1000 + 15}&end={Start / 1000 + 120}&step=15&format=csv", TestContext.Current.CancellationToken);

        var lines = csv.Trim().Split('\n');
        Assert.Equal("series,timestamp,unix_seconds,value", lines[0]);
        Assert.Equal(9, lines.Length); // header + 8 points
        Assert.EndsWith(",0.7", lines[^1]);
    }

    [Fact]
    public async Task OurOwnPrometheusClient_ReadsThisApiLikePrometheus()
    {
        var client = new PrometheusClient(QueryApiHost.Authorized(_factory.CreateClient()));

        var range = await client.QueryRangeAsync("api_latency_seconds{quantile=\"0.99\"}",
            DateTimeOffset.FromUnixTimeMilliseconds(Start + 15_000), DateTimeOffset.FromUnixTimeMilliseconds(Start + 105_000), TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        var bad = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryAsync("sum(up)", null, TestContext.Current.CancellationToken));

        Assert.Equal([1.0, 2, 3, 4, 5, 6, 7], range.Single().Points.Select(p => p.Value)); // the sample at each t, as Prometheus gives it
        Assert.Equal("bad_data", bad.ErrorType);
    }
}
