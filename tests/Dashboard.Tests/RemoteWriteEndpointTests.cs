using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.Tests;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>POST /api/v1/write on the real host (SQLite store, the collector inside with no sources of its own).</summary>
public sealed class RemoteWriteEndpointTests : IAsyncLifetime
{
    private const string Token = "push-token";
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-rw-").FullName;
    private WebApplicationFactory<Program> _factory = null!;

    public ValueTask InitializeAsync()
    {
        _factory = Host(("RemoteWrite:Enabled", "true"), ("RemoteWrite:BearerToken", Token), ("RemoteWrite:MaxBodyBytes", "65536"));
        return ValueTask.CompletedTask;
    }

    private WebApplicationFactory<Program> Host(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Store:Sqlite:Path", Path.Combine(_dir, "metrics.db"));
            b.UseSetting("Collector:SpoolPath", Path.Combine(_dir, "spool"));
            b.UseSetting("Sources:Scrape:Enabled", "false");
            b.UseSetting("Sources:Prometheus:Url", "");
            b.UseSetting("Auth:Users:0:Name", "pusher");
            b.UseSetting("Auth:Users:0:PasswordHash", X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Hash("pw"));
            b.UseSetting("Auth:Users:0:Role", "viewer");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
        });

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static RemoteWriteRequests.Series[] Gauge(string job, long timestampMs) =>
    [
        new([("__name__", "process_resident_memory_bytes"), ("job", job), ("instance", "10.0.0.9:8080")], [(1_048_576, timestampMs)]),
        new([("__name__", "scrape_samples_post_metric_relabeling"), ("job", job), ("instance", "10.0.0.9:8080")], [(1, timestampMs)]),
    ];

    private static HttpContent Body(byte[] bytes, string encoding = "snappy", string type = "application/x-protobuf")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        content.Headers.ContentEncoding.Add(encoding);
        content.Headers.Add("X-Prometheus-Remote-Write-Version", "0.1.0");
        return content;
    }

    private HttpClient Client(string scheme, string parameter)
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, parameter);
        return client;
    }

    private static readonly long Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private async Task<IReadOnlyList<LatestSample>> PodMemoryAsync(string job) =>
        await _factory.Services.GetRequiredService<IMetricStore>().LatestAsync(SeriesSelector.Where(CanonicalSeries.PodMemoryBytes, ("job", job)), TestContext.Current.CancellationToken);

    [Fact]
    public async Task BearerTokenOrBasic_Accepted_AndTheSamplesReachTheStore()
    {
        var ct = TestContext.Current.CancellationToken;

        using var bearer = await Client("Bearer", Token).PostAsync("/api/v1/write", Body(RemoteWriteRequests.Body(Gauge("pushed", Now))), ct);
        using var basic = await Client("Basic", Convert.ToBase64String("pusher:pw"u8.ToArray())).PostAsync("/api/v1/write", Body(RemoteWriteRequests.Body(Gauge("pushed-basic", Now))), ct);

        Assert.Equal(HttpStatusCode.NoContent, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, basic.StatusCode);
        var stored = await Eventually.UntilAsync(() => PodMemoryAsync("pushed"), s => s.Count == 1, TimeSpan.FromSeconds(20), "the pushed gauge in the store", ct);
        Assert.Equal(("10.0.0.9:8080", "remote-write", Now, 1_048_576.0), (stored[0].Key["pod"], stored[0].Key["source"], stored[0].Sample.TimestampMs, stored[0].Sample.Value));
        await Eventually.UntilAsync(async () => (await PodMemoryAsync("pushed-basic")).Count == 1, TimeSpan.FromSeconds(20), "the gauge pushed with Basic", ct);
    }

    [Fact]
    public async Task WrongTokenWrongPasswordOrNone_Refused401_AndNothingIsWritten()
    {
        var ct = TestContext.Current.CancellationToken;
        var buffer = _factory.Services.GetRequiredService<WriteBuffer>();
        var anonymous = _factory.CreateClient();

        var answers = new List<HttpStatusCode>();
        foreach (var client in new[] { Client("Bearer", "wrong"), Client("Basic", Convert.ToBase64String("pusher:wrong"u8.ToArray())), anonymous })
        {
            using var response = await client.PostAsync("/api/v1/write", Body(RemoteWriteRequests.Body(Gauge("intruder", Now))), ct);
            answers.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], answers);
        Assert.Equal(0, buffer.Count);
        Assert.Empty(await PodMemoryAsync("intruder"));
        Assert.Null(_factory.Services.GetRequiredService<X0tta6bl4.Ops.Collector.RemoteWrite.RemoteWriteIngest>().Jobs().FirstOrDefault(j => j.Job == "intruder"));
    }

    [Fact]
    public async Task BadBodies_AreRefusedWithAClearReason_AndNotRetriable()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = Client("Bearer", Token);
        var good = RemoteWriteRequests.Body(Gauge("bad-bodies", Now));

        async Task<(HttpStatusCode, string)> Post(HttpContent content)
        {
            using var response = await client.PostAsync("/api/v1/write", content, ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }

        var notSnappy = await Post(Body("not snappy at all"u8.ToArray()));
        var garbage = await Post(Body(RemoteWriteRequests.Snappy([0x0a, 0xc8, 0x01, 1, 2, 3])));
        var gzip = await Post(Body(good, encoding: "gzip"));
        var json = await Post(Body(good, type: "application/json"));
        var v2 = await Post(Body(good, type: "application/x-protobuf;proto=io.prometheus.write.v2.Request"));
        var huge = await Post(Body(RemoteWriteRequests.Snappy(System.Security.Cryptography.RandomNumberGenerator.GetBytes(100_000))));

        Assert.Equal(HttpStatusCode.BadRequest, notSnappy.Item1);
        Assert.Contains("snappy", notSnappy.Item2);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.Item1);
        Assert.Contains("WriteRequest", garbage.Item2);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, gzip.Item1);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.Item1);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, v2.Item1);
        Assert.Contains("Remote-Write 1.0", v2.Item2);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.Item1);
        Assert.Contains("RemoteWrite:MaxBodyBytes", huge.Item2);
        Assert.DoesNotContain("   at ", notSnappy.Item2 + garbage.Item2 + huge.Item2);
        Assert.Empty(await PodMemoryAsync("bad-bodies"));
    }

    [Fact]
    public async Task Disabled_TheQueryApiAnswers404()
    {
        await using var disabled = Host(("RemoteWrite:Enabled", "false"));
        var client = disabled.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("pusher:pw"u8.ToArray()));

        using var response = await client.PostAsync("/api/v1/write", Body(RemoteWriteRequests.Body(Gauge("off", Now))), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void EnabledWithoutTheCollector_FailsAtStartSayingWhy()
    {
        using var factory = Host(("RemoteWrite:Enabled", "true"), ("Collector:Enabled", "false"), ("RemoteWrite:BufferLimit", "3000000"),
            ("RemoteWrite:IncompleteScrapeGraceSeconds", "-1"), ("RemoteWrite:MaxPendingScrapes", "0"), ("RemoteWrite:HeldLogMaxBytes", "10"));

        var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var message = string.Join("\n", (e is AggregateException all ? all.InnerExceptions : [e]).OfType<OptionsValidationException>().SelectMany(v => v.Failures));
        Assert.Contains("RemoteWrite:Enabled needs Collector:Enabled", message);
        Assert.Contains("RemoteWrite:BufferLimit must be at least 1 and below Collector:BufferCapacity", message);
        Assert.Contains("RemoteWrite:IncompleteScrapeGraceSeconds must be 0–300 (was -1)", message);
        Assert.Contains("RemoteWrite:MaxPendingScrapes must be 1–1000 (was 0)", message);
        Assert.Contains("RemoteWrite:HeldLogMaxBytes must be 1048576–68719476736 (was 10)", message);
    }
}
