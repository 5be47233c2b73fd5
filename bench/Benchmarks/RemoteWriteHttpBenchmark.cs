using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// The same pushes as <see cref="RemoteWriteBenchmark"/>, over HTTP to the published dashboard's POST /api/v1/write
/// (Kestrel, Basic sign-in, the receiver, the collector's buffer, spool and drain into the PostgreSQL store): raw samples
/// per second until the last push is answered 204, and until the last derived sample is in the store. Each round's bodies
/// go out on <c>Shards</c> connections at once (Prometheus's shards); a 503 is retried after 50 ms, as Prometheus would.
/// </summary>
internal static class RemoteWriteHttpBenchmark
{
    private const int Shards = 4;

    public static async Task<int> RunAsync(string url, int targets, int rounds)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("bench:bench-password"u8.ToArray()));
        var start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() / 15_000 * 15_000;
        var (bodies, rawPerRound) = RemoteWriteBenchmark.Bodies(RemoteWriteBenchmark.Texts(rounds), targets, r => start + r * 15_000L);
        var raw = rawPerRound * rounds; // the timed rounds: all but the first

        var refused = 0;
        async Task PushRoundAsync(int round)
        {
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Shards).Select(async _ =>
            {
                for (var i = Interlocked.Increment(ref next); i < bodies[round].Count; i = Interlocked.Increment(ref next))
                {
                    while (true)
                    {
                        using var content = new ByteArrayContent(bodies[round][i]);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                        content.Headers.ContentEncoding.Add("snappy");
                        using var response = await http.PostAsync("api/v1/write", content);
                        if (response.StatusCode == HttpStatusCode.NoContent)
                        {
                            break;
                        }

                        if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                        {
                            throw new InvalidOperationException($"push answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }

                        Interlocked.Increment(ref refused);
                        await Task.Delay(50);
                    }
                }
            }));
        }

        async Task DrainedAsync()
        {
            while (await MetricAsync(http, "x0tta6bl4_ops_collector_buffered_samples") > 0)
            {
                await Task.Delay(20);
            }
        }

        await PushRoundAsync(0);
        await DrainedAsync();
        var written = await MetricAsync(http, "x0tta6bl4_ops_collector_samples_written_total");
        var watch = Stopwatch.StartNew();
        for (var r = 1; r <= rounds; r++)
        {
            await PushRoundAsync(r);
        }

        var answered = watch.Elapsed;
        await DrainedAsync();
        var stored = watch.Elapsed;
        Figures.Print("http_raw_samples", raw, "0");
        Figures.Print("http_remote_write_accepted_samples_per_s", raw / answered.TotalSeconds, "0");
        Figures.Print("http_remote_write_stored_samples_per_s", raw / stored.TotalSeconds, "0");
        Figures.Print("http_derived_samples_stored", await MetricAsync(http, "x0tta6bl4_ops_collector_samples_written_total") - written, "0");
        Figures.Print("http_pushes_refused_503", refused, "0");
        return 0;
    }

    private static async Task<double> MetricAsync(HttpClient http, string name)
    {
        var text = await http.GetStringAsync("metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
