using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Dashboard.Tests.Hardening;

/// <summary>The query API against hostile input, a failing store and greedy clients, as users run it (Production).</summary>
public sealed class QueryApiHardeningTests
{
    private const long Start = 1_795_132_800_000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PathologicalRegex_AnswersInMilliseconds_WithTheRightResult()
    {
        await using var app = new HardenedApp();
        var store = app.Factory.Services.GetRequiredService<IMetricStore>();
        var statement = string.Concat(Enumerable.Repeat("SELECT id FROM nodes WHERE mesh_id = $1 ", 50));
        await store.WriteAsync(
        [
            new SeriesSample(SeriesKey.Of("db_statement_calls_per_second", ("query", statement)), Start, 3),
            new SeriesSample(SeriesKey.Of("db_statement_calls_per_second", ("query", statement + new string('7', 30))), Start, 4),
        ], Ct);
        var client = app.Basic();
        var url = $"/api/v1/query?query=db_statement_calls_per_second{{query=~\"(.*.*.*.*.*)*[0-9]{{30}}\"}}&time={Start / 1000 + 1}";
        await client.GetAsync($"/api/v1/query?query=up&time={Start / 1000}", Ct); // first request's start-up costs apart

        var times = new List<double>();
        string body = "";
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var response = await client.GetAsync(url, Ct);
            body = await response.Content.ReadAsStringAsync(Ct);
            times.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The backtracking engine never finished this (RegexMatchTimeoutException, a 500 with a stack trace).
        var result = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result");
        Assert.Equal("4", result.EnumerateArray().Single().GetProperty("value")[1].GetString());
        Assert.True(times.Order().ElementAt(2) < 100, $"median {times.Order().ElementAt(2):0.0} ms: {string.Join(", ", times.Select(t => t.ToString("0.0")))}");
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "GET", "/api/v1/query" },
        { "GET", "/api/v1/query?query=" },
        { "GET", "/api/v1/query?query=up&time=1e300" },
        { "GET", "/api/v1/query?query=up&time=-9e18" },
        { "GET", "/api/v1/query?query=up&time=NaN" },
        { "GET", "/api/v1/query?query=up{a=~\"(a)\\\\1\"}" },
        { "GET", "/api/v1/query?query=up{a=~\"(?<=x)y\"}" },
        { "GET", "/api/v1/query?query=up{a=~\"[\"}" },
        { "GET", "/api/v1/query?query=up{a=~\"x{99999999}\"}" },
        { "GET", "/api/v1/query?query=up{a=~\"((((((((((a{100}){100}){100}){100}))))))))\"}" },
        { "GET", "/api/v1/query?query=" + new string('a', 5_000) },
        { "GET", "/api/v1/query?query=up{" + string.Concat(Enumerable.Repeat("a=\"b\",", 1_000)) + "}" },
        { "GET", "/api/v1/query?query=sum(rate(up[5m]))" },
        { "GET", "/api/v1/query?query=%00%01%02" },
        { "GET", "/api/v1/query_range?query=up" },
        { "GET", "/api/v1/query_range?query=up&start=x&end=2&step=1" },
        { "GET", "/api/v1/query_range?query=up&start=1&end=x&step=1" },
        { "GET", "/api/v1/query_range?query=up&start=2&end=1&step=1" },
        { "GET", "/api/v1/query_range?query=up&start=1&end=2&step=0" },
        { "GET", "/api/v1/query_range?query=up&start=1&end=2&step=-5" },
        { "GET", "/api/v1/query_range?query=up&start=1&end=2&step=1e300" },
        { "GET", "/api/v1/query_range?query=up&start=1&end=2&step=99999999999999999999d" },
        { "GET", "/api/v1/query_range?query=up&start=1&end=2&step=9999999999999999d" },
        { "GET", "/api/v1/query_range?query=up&start=-62135596800&end=253402300799&step=1" },
        { "GET", "/api/v1/query_range?query=up%ff&start=1&end=2&step=1&format=csv" },
        { "GET", "/api/v1/series" },
        { "GET", "/api/v1/series?match[]=x{" },
        { "GET", "/api/v1/label//values" }, // found by the fuzz run: no endpoint matched, an empty 404
        { "GET", "/api/v1/nope" },
        { "POST", "/api/v1/query" },
        { "POST", "/api/v1/query_range" },
        { "POST", "/api/v1/series" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task EveryQueryApiEndpoint_GivenBadInput_AnswersATypedErrorWithoutInternals(string method, string url)
    {
        await using var app = new HardenedApp();
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST")
        {
            // A form body Kestrel cannot read as a form.
            request.Content = new StringContent("query=%zz&&==" + new string('%', 10), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        var response = await app.Basic().SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{method} {url}: {(int)response.StatusCode}\n{body}");
        NoInternals.PrometheusError(response, body, $"{method} {url}");
    }

    [Fact]
    public async Task OtherEndpoints_GivenBadInput_AnswerProblemDetailsWithoutInternals()
    {
        await using var app = new HardenedApp();
        var client = app.Basic();
        foreach (var url in new[] { "/capacity.csv?perPod=-1&growth=NaN&pool=x", "/load/99999/run.json", "/load/1/run.exe", "/load/-1/run.md", "/label/x" })
        {
            var response = await client.GetAsync(url, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);

            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{url}: {(int)response.StatusCode}\n{body}");
            NoInternals.In(body, url);
        }
    }

    [Fact]
    public async Task AStoreThatFails_IsUnavailableInTheEnvelope_AndAnErrorPageElsewhere_NeverItsSql()
    {
        await using var app = new HardenedApp();
        var client = app.Basic();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/labels", Ct)).StatusCode);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={app.StorePath}"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE series RENAME TO series_gone";
            await command.ExecuteNonQueryAsync(Ct);
        }

        foreach (var url in new[] { "/api/v1/query?query=up", "/api/v1/query_range?query=up&start=1&end=100&step=10", "/api/v1/series?match[]=up", "/api/v1/labels", "/api/v1/label/job/values" })
        {
            var response = await client.GetAsync(url, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            NoInternals.PrometheusError(response, body, url);
            Assert.DoesNotContain("series_gone", body);
        }

        var page = new HttpRequestMessage(HttpMethod.Get, "/capacity.csv");
        page.Headers.Accept.ParseAdd("text/html");
        var html = await client.SendAsync(page, Ct);
        var problem = await client.GetAsync("/capacity.csv", Ct);
        var htmlBody = await html.Content.ReadAsStringAsync(Ct);
        var problemBody = await problem.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, html.StatusCode);
        Assert.Contains("Something went wrong", htmlBody);
        NoInternals.In(htmlBody, "error page");
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
        NoInternals.In(problemBody, "problem details");
        // The reason is in the log, for the operator.
        Assert.Contains(app.Log.Entries, e => e.Exception?.ToString().Contains("series", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AnAnswerBeyondMaxPoints_OrAQueryBeyondMaxQueryLength_IsRefusedWithTheLimitNamed()
    {
        await using var app = new HardenedApp(new Dictionary<string, string> { ["QueryApi:MaxPoints"] = "11000", ["QueryApi:MaxQueryLength"] = "64" });
        var store = app.Factory.Services.GetRequiredService<IMetricStore>();
        await store.WriteAsync(Enumerable.Range(0, 12).SelectMany(i => Enumerable.Range(0, 1_000)
            .Select(t => new SeriesSample(SeriesKey.Of("big", ("i", $"{i}")), Start + t * 1_000L, t))).ToList(), Ct);
        var client = app.Basic();

        var tooMany = await client.GetAsync($"/api/v1/query_range?query=big&start={Start / 1000 + 1}&end={Start / 1000 + 1_000}&step=1", Ct);
        var fewer = await client.GetAsync($"/api/v1/query_range?query=big{{i=~\"1|2\"}}&start={Start / 1000 + 1}&end={Start / 1000 + 1_000}&step=1", Ct);
        var tooLong = await client.GetAsync("/api/v1/query?query=big{i=~\"" + new string('1', 80) + "\"}", Ct);
        var tooManyBody = await tooMany.Content.ReadAsStringAsync(Ct);
        var tooLongBody = await tooLong.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMany.StatusCode);
        NoInternals.PrometheusError(tooMany, tooManyBody, "too many points");
        Assert.Contains("QueryApi:MaxPoints", tooManyBody);
        Assert.Equal(HttpStatusCode.OK, fewer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("QueryApi:MaxQueryLength", tooLongBody);
    }

    /// <summary>A form body that arrives only when the test says so: the request holds its concurrency slot meanwhile.</summary>
    private sealed class HeldBody(TaskCompletionSource release) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            await release.Task.WaitAsync(cancellationToken);
            await stream.WriteAsync("query=up"u8.ToArray(), cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static HttpRequestMessage Held(TaskCompletionSource release)
    {
        var content = new HeldBody(release);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");
        return new HttpRequestMessage(HttpMethod.Post, "/api/v1/query") { Content = content };
    }

    [Fact]
    public async Task OneClientAtItsConcurrencyLimit_IsRefusedWith429_WhileAnotherClientAndThePagesAreServed()
    {
        await using var app = new HardenedApp(new Dictionary<string, string>
        {
            ["QueryApi:MaxConcurrentPerClient"] = "1", ["QueryApi:MaxConcurrent"] = "2", ["QueryApi:QueueLimit"] = "0",
            ["Auth:Users:1:Name"] = "bo", ["Auth:Users:1:PasswordHash"] = X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Hash("pw2"), ["Auth:Users:1:Role"] = "viewer",
        }, kestrel: true); // over a socket, so the held body really holds the request open at the server
        var ana = app.Basic();
        var releases = new List<TaskCompletionSource>();
        var helds = new List<Task<HttpResponseMessage>>();
        HttpResponseMessage? refused = null;
        HttpResponseMessage other, health;
        HttpResponseMessage[] firsts;
        try
        {
            // The held request has its slot once a second one from the same client is refused. The polls take that
            // client's one slot too, so a held request that reaches the server while a poll holds it is refused at once
            // (on a loaded machine, where polls are slow, it happens): another is held every 5 s until one has the slot.
            for (var attempt = 0; refused?.StatusCode != HttpStatusCode.TooManyRequests; attempt++)
            {
                var release = new TaskCompletionSource();
                releases.Add(release);
                var held = ana.SendAsync(Held(release), Ct);
                helds.Add(held);
                try
                {
                    await Eventually.UntilAsync(async () => (refused = await ana.GetAsync("/api/v1/query?query=up", Ct)),
                        r => r.StatusCode == HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(attempt < 5 ? 5 : 30),
                        $"a second request from the same client refused (held request: {held.Status})", Ct);
                }
                catch (TimeoutException) when (attempt < 5)
                {
                }
            }

            other = await app.Basic("bo", "pw2").GetAsync("/api/v1/query?query=up", Ct);
            health = await app.Anonymous().GetAsync("/health", Ct);
            releases.ForEach(r => r.SetResult());
            firsts = await Task.WhenAll(helds);
        }
        finally
        {
            // Never leave a held request open: the host would wait for it when disposed.
            releases.ForEach(r => r.TrySetResult());
        }

        NoInternals.PrometheusError(refused, await refused.Content.ReadAsStringAsync(Ct), "429");
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains(firsts, first => first.StatusCode == HttpStatusCode.OK); // the held request that had the slot is served
    }

    [Fact]
    public async Task EveryQueryApiEndpoint_HasTheRequestTimeout_WhoseAnswerIsATimeoutEnvelope()
    {
        // A request made slow by holding its body back cannot show this over a socket: Kestrel resets a connection
        // whose body read was cancelled, before the client reads the answer. So: the policy on every endpoint, and its answer.
        await using var app = new HardenedApp(new Dictionary<string, string> { ["QueryApi:TimeoutSeconds"] = "1.5" });
        var endpoints = app.Factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true).ToList();
        var policy = app.Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutOptions>>()
            .Value.Policies[X0tta6bl4.Ops.Dashboard.QueryApi.QueryApiLimits.TimeoutPolicy];
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await policy.WriteTimeoutResponse!(context);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync(Ct);

        Assert.Equal(10, endpoints.Count); // query, query_range, series, labels (GET and POST each), label values, the not-found fallback
        Assert.All(endpoints, e => Assert.Equal(X0tta6bl4.Ops.Dashboard.QueryApi.QueryApiLimits.TimeoutPolicy,
            e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutAttribute>()?.PolicyName));
        Assert.Equal(TimeSpan.FromSeconds(1.5), policy.Timeout);
        Assert.Equal(503, policy.TimeoutStatusCode);
        NoInternals.In(body, "timeout");
        var json = System.Text.Json.JsonDocument.Parse(body).RootElement;
        Assert.Equal("timeout", json.GetProperty("errorType").GetString());
        Assert.Contains("1.5 s", json.GetProperty("error").GetString());
    }
}
