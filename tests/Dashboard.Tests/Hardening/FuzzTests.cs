using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using X0tta6bl4.Ops.Dashboard.Model.Changes;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Tests.Hardening;

/// <summary>
/// Generated hostile input for the query API's parameters and the forms' fields: only typed errors, never a 500,
/// an exception or internals, and the process alive with its memory bounded afterwards. The suite runs a bounded
/// number of cases (seeded, so a failure repeats); X0_FUZZ_CASES sets the count (100000 for the full run).
/// </summary>
public sealed class FuzzTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("X0_FUZZ_CASES"), out var n) && n > 0 ? n : 1_500;

    private static readonly string[] Pieces =
    [
        "up", "api_latency_seconds", "{", "}", "=", "!=", "=~", "!~", "\"", "'", ",", "job", "quantile", "__name__", "(", ")", "[", "]",
        "*", "+", "?", ".*", "|", "\\", "\\1", "(?=", "(?<", "{1000}", "{2,}", "^", "$", "0.9.*", " ", "\n", "é", "\u0000", "%", "sum(", "rate(", "[5m]",
    ];

    private static readonly string[] Times =
    [
        "0", "1", "-1", "1e300", "-1e300", "NaN", "Infinity", "1795132800", "1795132800.5", "2026-11-20T00:00:00Z", "2026-13-40T99:00:00Z",
        "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "", "abc", "253402300800", "-62135596801", "1e", "0x10",
    ];

    private static readonly string[] Steps = ["1", "15", "0.001", "0", "-1", "1e300", "15s", "1m", "2h", "1d", "99999999999d", "1y", "s", "", "NaN", "60.5"];

    private static string Selector(Random random)
    {
        var text = new StringBuilder();
        for (var i = random.Next(1, 12); i > 0; i--)
        {
            text.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return random.Next(4) == 0 ? "api_latency_seconds{quantile=~\"" + text + "\"}" : text.ToString();
    }

    [Fact]
    public async Task QueryApiParameters_Fuzzed_OnlyTypedErrors_NoServerError_AndTheProcessStaysWell()
    {
        await using var app = new HardenedApp();
        var store = app.Factory.Services.GetRequiredService<IMetricStore>();
        await store.WriteAsync(Enumerable.Range(0, 60).Select(i =>
            new SeriesSample(SeriesKey.Of("api_latency_seconds", ("job", "api"), ("quantile", i % 2 == 0 ? "0.5" : "0.99")), 1_795_132_800_000 + i * 15_000L, i)).ToList(), Ct);
        var client = app.Basic();
        var random = new Random(15);
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var statuses = new Dictionary<int, int>();

        for (var i = 0; i < Cases; i++)
        {
            var endpoint = random.Next(5);
            var parameters = new List<KeyValuePair<string, string>>();
            string path;
            switch (endpoint)
            {
                case 0:
                    path = "/api/v1/query";
                    parameters.Add(new("query", Selector(random)));
                    if (random.Next(2) == 0)
                    {
                        parameters.Add(new("time", Times[random.Next(Times.Length)]));
                    }

                    break;
                case 1:
                    path = "/api/v1/query_range";
                    parameters.Add(new("query", Selector(random)));
                    parameters.Add(new("start", Times[random.Next(Times.Length)]));
                    parameters.Add(new("end", Times[random.Next(Times.Length)]));
                    parameters.Add(new("step", Steps[random.Next(Steps.Length)]));
                    break;
                case 2:
                    path = "/api/v1/series";
                    for (var m = random.Next(0, 3); m > 0; m--)
                    {
                        parameters.Add(new("match[]", Selector(random)));
                    }

                    break;
                case 3:
                    // (The in-memory test server refuses a NUL in a path before it is sent; Kestrel answers 400.)
                    path = "/api/v1/label/" + Uri.EscapeDataString(Selector(random).Replace("\u0000", "")) + "/values";
                    break;
                default:
                    path = "/capacity.csv";
                    foreach (var name in new[] { "perPod", "growth", "pool", "headroom", "maxPods", "disk", "horizon", "job" })
                    {
                        if (random.Next(2) == 0)
                        {
                            parameters.Add(new(name, random.Next(3) == 0 ? Times[random.Next(Times.Length)] : (random.NextDouble() * 2e6 - 1e6).ToString(CultureInfo.InvariantCulture)));
                        }
                    }

                    break;
            }

            if (random.Next(3) == 0)
            {
                parameters.Add(new("format", random.Next(2) == 0 ? "csv" : Selector(random)));
            }

            var post = endpoint is 0 or 1 or 2 && random.Next(2) == 0;
            var query = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            using var response = post
                ? await client.PostAsync(path, new FormUrlEncodedContent(parameters), Ct)
                : await client.GetAsync(query.Length > 0 ? path + "?" + query : path, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;

            var what = $"case {i}: {(post ? "POST" : "GET")} {path}?{query}";
            Assert.True(status < 500, $"{what}: {status}\n{body}");
            NoInternals.In(body, what);
            if (status >= 400 && path.StartsWith("/api/v1", StringComparison.Ordinal))
            {
                NoInternals.PrometheusError(response, body, what);
            }
        }

        GC.Collect();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Current.TestOutputHelper?.WriteLine($"{Cases} cases: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}"))}; managed heap {before / 1e6:0} → {after / 1e6:0} MB");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);
        Assert.True(after - before < 200_000_000, $"the managed heap grew by {(after - before) / 1e6:0} MB");
        Assert.True(statuses.Keys.Any(s => s == 200) && statuses.Keys.Any(s => s == 400), "the generator should reach both answers and refusals");
    }

    [Fact]
    public async Task FormFields_Fuzzed_AreRefusedWithAReason_NeverAnException()
    {
        await using var app = new HardenedApp();
        var services = app.Factory.Services;
        var sla = services.GetRequiredService<SlaChanges>();
        var rules = services.GetRequiredService<RuleChanges>();
        var alerts = services.GetRequiredService<AlertChanges>();
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ana"), new Claim(ClaimTypes.Role, "operator")], "test"));
        var random = new Random(15);
        double[] numbers = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue, double.Epsilon, 0, -1, 1e-300, 1e300, 200, 0.5];
        string[] ids = ["p95", "p99", "error-rate", "throughput", "cpu", "memory", "availability", "latency-objective", "latency-p95", "pool", "target-down", "", "nope", "p95 ", "P95", "\u0000", new string('x', 10_000)];
        double Number() => random.Next(3) == 0 ? numbers[random.Next(numbers.Length)] : random.NextDouble() * Math.Pow(10, random.Next(-6, 12)) * (random.Next(2) == 0 ? -1 : 1);
        string Text() => random.Next(4) == 0 ? null! : Selector(random) + new string('é', random.Next(0, 3) * 1000);
        var refused = 0;

        for (var i = 0; i < Cases; i++)
        {
            var result = (i % 3) switch
            {
                0 => await sla.SetTargetAsync(user, ids[random.Next(ids.Length)], Number(), Ct),
                1 => await rules.SaveAsync(user, ids[random.Next(ids.Length)], random.Next(4) == 0 ? null : Number(), random.Next(-100_000, 1_000_000), random.Next(2) == 0, Ct),
                _ => await alerts.AcknowledgeAsync(user, random.NextInt64(-5, 1_000_000), Text(), Text(), Ct),
            };
            if (!result.Done)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(result.Problem), $"case {i}: refused without a reason");
                NoInternals.In(result.Problem!, $"case {i}");
            }
        }

        var capacityCases = 0;
        for (var i = 0; i < Cases; i++)
        {
            var settings = X0tta6bl4.Ops.Dashboard.Model.CapacitySettings.FromLink(Number(), Number(), random.Next(-10, 100_000), Number(), random.Next(-10, 100_000), Number(), random.Next(-10, 1_000));
            foreach (var problem in settings.Problems())
            {
                NoInternals.In(problem, $"capacity case {i}");
            }

            capacityCases++;
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{Cases} change cases ({refused} refused with a reason), {capacityCases} capacity what-ifs");
        Assert.True(refused > 0);
    }
}
