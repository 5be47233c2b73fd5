using Microsoft.Extensions.Time.Testing;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;
using X0tta6bl4.Ops.Tests.Engines;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>
/// A real VictoriaMetrics behind a Mimir-shaped gateway (path prefix /prometheus, X-Scope-OrgID and a bearer token
/// required) and a real Prometheus, both holding exactly the same samples (<see cref="EngineData"/>).
/// </summary>
public sealed class EnginesFixture : IAsyncLifetime
{
    public const string Tenant = "team-a";
    public const string Token = "s3cret-token-4711";

    public EngineData Data { get; } = new(DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds());

    public VictoriaMetricsProcess Victoria { get; private set; } = null!;

    public PrometheusProcess Prometheus { get; private set; } = null!;

    public TenantProxy Proxy { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Victoria = await VictoriaMetricsProcess.StartAsync();
        await Victoria.ImportAsync(Data.PrometheusText());
        Prometheus = await PrometheusProcess.StartBackfilledAsync(Data.OpenMetrics(), TestContext.Current.CancellationToken);
        Proxy = await TenantProxy.StartAsync(Victoria.Url, Tenant, Token);
    }

    public async ValueTask DisposeAsync()
    {
        await Proxy.DisposeAsync();
        await Prometheus.DisposeAsync();
        await Victoria.DisposeAsync();
    }

    /// <summary>Sources:Prometheus as a Mimir user would set it: the prefix, the tenant and the token.</summary>
    public PrometheusSourceOptions GatewayOptions(string trailing = "") => new()
    {
        Url = Proxy.Url + trailing,
        Headers =
        [
            new X0tta6bl4.Ops.Metrics.Settings.HeaderSetting { Name = "X-Scope-OrgID", Value = Tenant },
            new X0tta6bl4.Ops.Metrics.Settings.HeaderSetting { Name = "Authorization", Value = "Bearer " + Token },
        ],
    };
}

public sealed class DistributedEngineTests(EnginesFixture engines) : IClassFixture<EnginesFixture>
{
    /// <summary>The issue's tolerance for our figures against Prometheus's own (remote write's p95 within 1 %).</summary>
    private const double Tolerance = 0.01;

    private static CollectorOptions Collector()
    {
        var collector = new CollectorOptions { WindowSeconds = 60 };
        collector.LatencyHistograms.AddRange(CollectorOptions.DefaultLatencyHistograms);
        collector.RequestCounters.AddRange(CollectorOptions.DefaultRequestCounters);
        return collector;
    }

    private static PrometheusSource Source(PrometheusSourceOptions options) =>
        new(new PrometheusClient(PrometheusHttp.CreateClient(options), options.MaxGetUrlLength, options.PartialResponse), options, Collector());

    /// <summary>Two polls a step apart (the second has bucket increases); the second's samples.</summary>
    private async Task<IReadOnlyList<SeriesSample>> TwoPollsAsync(PrometheusSource source, int point)
    {
        var ct = TestContext.Current.CancellationToken;
        await source.CollectAsync(engines.Data.At(point - 1).ToUnixTimeMilliseconds(), ct);
        return await source.CollectAsync(engines.Data.At(point).ToUnixTimeMilliseconds(), ct);
    }

    [Fact]
    public async Task Collect_VictoriaMetricsBehindPrefixAndTenant_GivesTheSameCanonicalSeriesAsPrometheus()
    {
        var theirs = await TwoPollsAsync(Source(new PrometheusSourceOptions { Url = engines.Prometheus.BaseAddress.ToString() }), 200);
        var victoria = await TwoPollsAsync(Source(engines.GatewayOptions()), 200);

        // What the comparison must cover, or it proves nothing: quantiles, classes, increases, pods, Prometheus itself.
        Assert.Contains(theirs, s => s.Key.Name == CanonicalSeries.ApiLatencySeconds && s.Key["quantile"] == "0.95");
        Assert.Contains(theirs, s => s.Key.Name == CanonicalSeries.ApiEndpointLatencySeconds);
        Assert.Contains(theirs, s => s.Key.Name == CanonicalSeries.ApiRequestsPerSecond && s.Key["class"] == "5xx");
        Assert.Contains(theirs, s => s.Key.Name == CanonicalSeries.PodCpuMillicores && s.Key["pod"] == "10.0.0.2:8080");
        Assert.Contains(theirs, s => s.Key.Name.EndsWith("_bucket_increase", StringComparison.Ordinal));
        Assert.Contains(theirs, s => s.Key.Name == CanonicalSeries.PrometheusIngestPerSecond);
        Assert.Contains(theirs, s => s.Key.Name == CanonicalSeries.TargetUp);

        var ours = victoria.ToDictionary(s => s.Key.ToString());
        Assert.Equal(theirs.Select(s => s.Key.ToString()).Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        var worst = 0.0;
        foreach (var expected in theirs)
        {
            var actual = ours[expected.Key.ToString()];
            Assert.Equal(expected.TimestampMs, actual.TimestampMs);
            var difference = Math.Abs(actual.Value - expected.Value) / Math.Max(Math.Abs(expected.Value), 1e-12);
            worst = Math.Max(worst, expected.Value == actual.Value ? 0 : difference);
            Assert.True(difference <= Tolerance, $"{expected.Key}: VictoriaMetrics {actual.Value}, Prometheus {expected.Value}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{theirs.Count} canonical samples compared; largest relative difference {worst:E2}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task Query_UnderThePathPrefix_WithOrWithoutTrailingSlash_IsAnswered(string trailing)
    {
        var options = engines.GatewayOptions(trailing);
        var client = new PrometheusClient(PrometheusHttp.CreateClient(options), options.MaxGetUrlLength);

        var up = await client.QueryAsync("up", engines.Data.At(10), TestContext.Current.CancellationToken);

        Assert.Equal(3, up.Samples.Count);
        var seen = engines.Proxy.Requests.Last();
        Assert.Equal(TenantProxy.Prefix + "/api/v1/query", seen.Path);
        Assert.Equal(EnginesFixture.Tenant, seen.Tenant);
        Assert.Equal("Bearer " + EnginesFixture.Token, seen.Authorization);
    }

    [Fact]
    public async Task Query_WithoutTheTenantHeader_FailsWithTheGatewaysAnswer_AndNeverQuotesTheToken()
    {
        var options = engines.GatewayOptions();
        options.Headers.RemoveAll(h => h.Name == "X-Scope-OrgID");
        var client = new PrometheusClient(PrometheusHttp.CreateClient(options), options.MaxGetUrlLength);

        var e = await Assert.ThrowsAsync<PrometheusApiException>(() => client.QueryAsync("up", engines.Data.At(10), TestContext.Current.CancellationToken));

        Assert.Contains("401", e.Message);
        Assert.Contains("no org id", e.Message);
        Assert.False(e.Transient);
        Assert.DoesNotContain(EnginesFixture.Token, e.Message);
    }

    [Fact]
    public async Task Query_LongerThanMaxGetUrlLength_IsPosted_AShortOneIsGet_BothAnswered()
    {
        var options = engines.GatewayOptions();
        options.MaxGetUrlLength = 200;
        var client = new PrometheusClient(PrometheusHttp.CreateClient(options), options.MaxGetUrlLength);
        var ct = TestContext.Current.CancellationToken;
        var longQuery = "histogram_quantile(0.95, sum by (job, le) (rate(x0tta6bl4_request_duration_seconds_bucket{job=\"api\",endpoint=~\"/api/v1/status|/api/v1/meshes/{meshId}/topology\"}[60s])))";

        engines.Proxy.Requests.Clear();
        var shortAnswer = await client.QueryAsync("up", engines.Data.At(10), ct);
        var longAnswer = await client.QueryAsync(longQuery, engines.Data.At(10), ct);

        Assert.Equal(3, shortAnswer.Samples.Count);
        Assert.Single(longAnswer.Samples);
        Assert.Equal(["GET", "POST"], engines.Proxy.Requests.Select(r => r.Method));
        Assert.True(engines.Proxy.Requests.First().UrlLength <= 200);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Collect_WithPartialResponse_SendsPartialResponseTrueWithEveryQuery_GetAndPost_OtherwiseNever(bool partialResponse)
    {
        var options = engines.GatewayOptions();
        options.PartialResponse = partialResponse;
        // Short enough that the long histogram queries are POSTed, the short ones sent as GET.
        options.MaxGetUrlLength = 300;
        engines.Proxy.Requests.Clear();

        var samples = await Source(options).CollectAsync(engines.Data.At(120).ToUnixTimeMilliseconds(), TestContext.Current.CancellationToken);

        // VictoriaMetrics ignores the parameter (Thanos is not packaged here): the poll is answered as without it.
        Assert.Contains(samples, s => s.Key.Name == CanonicalSeries.ApiLatencySeconds);
        var queries = engines.Proxy.Requests.Where(r => r.Path.EndsWith("/api/v1/query", StringComparison.Ordinal)).ToList();
        Assert.Contains(queries, r => r.Method == "GET");
        Assert.Contains(queries, r => r.Method == "POST");
        Assert.All(queries, r => Assert.Equal(partialResponse ? "true" : null, r.Parameters.GetValueOrDefault("partial_response")));
    }

    [Fact]
    public async Task QueryRange_WithPartialResponse_SendsIt_AndPrometheusAnswersAsWithout()
    {
        var options = engines.GatewayOptions();
        options.PartialResponse = true;
        var client = new PrometheusClient(PrometheusHttp.CreateClient(options), options.MaxGetUrlLength, options.PartialResponse);
        var direct = new PrometheusClient(PrometheusHttp.CreateClient(new PrometheusSourceOptions { Url = engines.Prometheus.BaseAddress.ToString() }), partialResponse: true);
        var ct = TestContext.Current.CancellationToken;
        engines.Proxy.Requests.Clear();

        var range = await client.QueryRangeAsync("up", engines.Data.At(10), engines.Data.At(20), TimeSpan.FromSeconds(15), ct);
        var prometheus = await direct.QueryAsync("up", engines.Data.At(10), ct);

        Assert.Equal(3, range.Count);
        Assert.Equal("true", Assert.Single(engines.Proxy.Requests).Parameters["partial_response"]);
        Assert.Equal(3, prometheus.Samples.Count);
    }

    [Fact]
    public async Task Collect_PartialAnswers_AreReadAsWarningsOfThatPollOnly()
    {
        var source = Source(engines.GatewayOptions());
        var ct = TestContext.Current.CancellationToken;
        try
        {
            engines.Proxy.InjectWarnings = ["store 10.0.0.9:10901 is unreachable"];
            engines.Proxy.InjectPartial = true;
            var samples = await source.CollectAsync(engines.Data.At(100).ToUnixTimeMilliseconds(), ct);

            Assert.NotEmpty(samples);
            Assert.Equal(2, source.LastWarnings.Count);
            Assert.StartsWith("store 10.0.0.9:10901 is unreachable (", source.LastWarnings[0]);
            Assert.Matches(@"\((\d+) of \1 queries, for api_latency_seconds", source.LastWarnings[0]);
            Assert.StartsWith(PrometheusClient.PartialResponseWarning, source.LastWarnings[1]);
        }
        finally
        {
            engines.Proxy.InjectWarnings = [];
            engines.Proxy.InjectPartial = false;
        }

        await source.CollectAsync(engines.Data.At(101).ToUnixTimeMilliseconds(), ct);
        Assert.Empty(source.LastWarnings);
    }

    [Fact]
    public async Task PollOnce_PartialAnswer_IsUpWithItsWarningsInTheStore_AndMarksThePollsTimestamp()
    {
        var dir = Directory.CreateTempSubdirectory("x0-partial-").FullName;
        try
        {
            var path = Path.Combine(dir, "m.db");
            var store = await SqliteMetricStore.OpenAsync(path, TestContext.Current.CancellationToken);
            var buffer = new WriteBuffer(100_000);
            var time = new FakeTimeProvider(engines.Data.At(150));
            var source = Source(engines.GatewayOptions());
            var (service, state, _) = await TestCollector.CreateAsync([source], store, buffer, SqlDatabase.Sqlite(path), time);
            var ct = TestContext.Current.CancellationToken;

            engines.Proxy.InjectPartial = true;
            try
            {
                await service.PollOnceAsync(source, ct);
            }
            finally
            {
                engines.Proxy.InjectPartial = false;
            }

            var status = await state.StatusAsync("prometheus");
            Assert.True(status.Partial);
            Assert.StartsWith(PrometheusClient.PartialResponseWarning, Assert.Single(status.Warnings));
            var polled = time.GetUtcNow().ToUnixTimeMilliseconds();
            var buffered = (await buffer.PeekAsync(100_000, ct)).Samples;
            var mark = Assert.Single(buffered, s => s.Key.Name == CanonicalSeries.SourcePartial);
            Assert.Equal((polled, 1.0, "prometheus"), (mark.TimestampMs, mark.Value, mark.Key["source"]));
            Assert.Contains(buffered, s => s.Key.Name == CanonicalSeries.ApiLatencySeconds && s.TimestampMs == polled);

            time.Advance(TimeSpan.FromSeconds(15));
            await service.PollOnceAsync(source, ct);

            status = await state.StatusAsync("prometheus");
            Assert.False(status.Partial);
            Assert.Empty(status.Warnings);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(polled), status.LastWarningAt);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
