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
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Store:Sqlite:Path", _path);
            b.UseSetting("Collector:Enabled", "false");
            b.UseSetting("Auth:Users:0:Name", "reader");
            b.UseSetting("Auth:Users:0:PasswordHash", X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Hash("pw"));
            b.UseSetting("Auth:Users:0:Role", "viewer");
        });
        _client = Authorized(_factory.CreateClient());
        var store = _factory.Services.GetRequiredService<IMetricStore>();
        var p99 = SeriesKey.Of("api_latency_seconds", ("job", "api"), ("quantile", "0.99"));
        var p50 = SeriesKey.Of("api_latency_seconds", ("job", "api"), ("quantile", "0.5"));
        await store.WriteAsync(Enumerable.Range(0, 8).SelectMany(i => new SeriesSample[]
        {
            new(p99, Start + i * 15_000, i),
            new(p50, Start + i * 15_000, i / 10.0),
        }).Append(new SeriesSample(SeriesKey.Of("up", ("job", "api")), Start, double.PositiveInfinity)).ToList());
    }

    /// <summary>HTTP Basic, as scripts and Grafana sign in.</summary>
    private static HttpClient Authorized(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("reader:pw"u8.ToArray()));
        return client;
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

    [Fact]
    public async Task QueryRange_ReturnsTheLastSampleOfEachStep_InPrometheusEnvelope()
    {
        var json = await GetAsync($"/api/v1/query_range?query=api_latency_seconds{{quantile=\"0.99\"}}&start={Start / 1000 + 30}&end={Start / 1000 + 90}&step=30");

        Assert.Equal("success", json.GetProperty("status").GetString());
        Assert.Equal("matrix", json.GetProperty("data").GetProperty("resultType").GetString());
        var series = json.GetProperty("data").GetProperty("result").EnumerateArray().Single();
        Assert.Equal("api_latency_seconds", series.GetProperty("metric").GetProperty("__name__").GetString());
        // At t = 30 s, 60 s, 90 s: the last samples in [0, 30), [30, 60), [60, 90) are those at 15, 45, 75 s: 1, 3, 5.
        var values = series.GetProperty("values").EnumerateArray().Select(v => (v[0].GetDouble(), v[1].GetString())).ToList();
        Assert.Equal([(Start / 1000.0 + 30, "1"), (Start / 1000.0 + 60, "3"), (Start / 1000.0 + 90, "5")], values);
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
                Assert.Equal(Start / 1000.0 + p.t + 1, p.v[0].GetDouble());
                Assert.Equal((i * 10_000 + p.t + 0.5).ToString(System.Globalization.CultureInfo.InvariantCulture), p.v[1].GetString());
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
        var client = new PrometheusClient(Authorized(_factory.CreateClient()));

        var range = await client.QueryRangeAsync("api_latency_seconds{quantile=\"0.99\"}",
            DateTimeOffset.FromUnixTimeMilliseconds(Start + 15_000), DateTimeOffset.FromUnixTimeMilliseconds(Start + 105_000), TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        var bad = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryAsync("sum(up)", null, TestContext.Current.CancellationToken));

        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6], range.Single().Points.Select(p => p.Value));
        Assert.Equal("bad_data", bad.ErrorType);
    }
}
