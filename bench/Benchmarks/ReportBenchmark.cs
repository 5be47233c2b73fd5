using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// The 30-day report over 7 days of 15-s data shaped like the stack's own series (monotonic-rate gauges, bucket
/// increases with a realistic latency spread, few-decimal gauges, 0/1 up series), against the same store read
/// through the query API: one query_range per metric name at the report's step, in the same run.
/// </summary>
internal static class ReportBenchmark
{
    private const int Days = 7;
    private const long StepMs = 15_000;
    private static readonly string[] Bounds = ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"];
    private static readonly string[] Endpoints = ["/api/v1/meshes/{meshId:guid}/topology", "/api/v1/nodes/{nodeId:guid}/health", "/api/v1/nodes/{nodeId:guid}/heartbeat", "/api/v1/nodes/{nodeId:guid}"];

    /// <summary>Writes the data into a SQLite store file; prints how many series and samples.</summary>
    public static async Task<int> DataAsync(string sqlitePath)
    {
        var store = await SqliteMetricStore.OpenAsync(sqlitePath);
        var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 3_600_000 * 3_600_000;
        long written = 0;
        var series = new HashSet<SeriesKey>();
        var watch = Stopwatch.StartNew();
        for (var hour = end - Days * 86_400_000L; hour < end; hour += 3_600_000)
        {
            var batch = new List<SeriesSample>(60_000);
            for (var t = hour; t < hour + 3_600_000; t += StepMs)
            {
                Poll(t, batch);
            }

            foreach (var s in batch)
            {
                series.Add(s.Key);
            }

            written += (await store.WriteAsync(batch)).Written;
        }

        Figures.Print("report_data_series", series.Count, "0");
        Figures.Print("report_data_samples", written, "0");
        Figures.Print("report_data_write_seconds", watch.Elapsed.TotalSeconds, "0.0");
        return 0;
    }

    private static void Poll(long t, List<SeriesSample> batch)
    {
        var hourOfDay = t / 3_600_000.0 % 24;
        var load = 20 + 10 * Math.Sin(hourOfDay / 24 * 2 * Math.PI);
        SeriesKey Api(string name, params (string, string)[] labels) => SeriesKey.Of(name, [.. labels, ("job", "api"), ("source", "prometheus")]);
        SeriesKey Pg(string name, params (string, string)[] labels) => SeriesKey.Of(name, [.. labels, ("instance", "postgres"), ("source", "postgres")]);
        SeriesKey Redis(string name) => SeriesKey.Of(name, ("instance", "redis"), ("source", "redis"));
        void Add(SeriesKey key, double value) => batch.Add(new SeriesSample(key, t, Math.Round(value, 3)));

        // Bucket increases over the 15 s since the previous poll: a log-normal-ish spread around 3 ms.
        var requests = Math.Round(load * 15);
        double[] shares = [0.02, 0.12, 0.35, 0.7, 0.93, 0.98, 0.995, 0.999, 1, 1, 1, 1];
        for (var b = 0; b < Bounds.Length; b++)
        {
            Add(Api(HistogramSeries.ApiLatencyBucketIncrease, ("le", Bounds[b])), Math.Round(requests * shares[b]));
            foreach (var endpoint in Endpoints)
            {
                Add(Api(HistogramSeries.ApiEndpointLatencyBucketIncrease, ("endpoint", endpoint), ("le", Bounds[b])), Math.Round(requests / 4 * shares[b]));
            }

            Add(Api(HistogramSeries.DbQueryBucketIncrease, ("query", "select"), ("le", Bounds[b])), Math.Round(requests / 2 * shares[Math.Min(b + 1, Bounds.Length - 1)]));
        }

        foreach (var (q, v) in new[] { ("0.5", 0.003), ("0.75", 0.005), ("0.9", 0.008), ("0.95", 0.012), ("0.99", 0.04), ("0.999", 0.09) })
        {
            Add(Api(CanonicalSeries.ApiLatencySeconds, ("quantile", q)), v * (1 + load / 100));
        }

        Add(Api(CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), load * 0.95);
        Add(Api(CanonicalSeries.ApiRequestsPerSecond, ("class", "4xx")), load * 0.05);
        Add(Api(CanonicalSeries.PodCpuMillicores, ("pod", "10.0.0.1:8080")), 30 + load);
        Add(Api(CanonicalSeries.PodMemoryBytes, ("pod", "10.0.0.1:8080")), 140e6 + (t % 86_400_000) / 1000.0);
        Add(Api(CanonicalSeries.DbPoolConnections, ("pod", "10.0.0.1:8080"), ("state", "busy")), Math.Round(load / 10));
        Add(Api(CanonicalSeries.DbPoolMaxConnections, ("pod", "10.0.0.1:8080")), 5);
        Add(Api(DerivedSeries.DbPoolUsageRatio, ("pod", "10.0.0.1:8080")), Math.Round(load / 10) / 5);
        foreach (var state in new[] { "active", "idle" })
        {
            Add(Pg(PostgresSeries.Connections, ("database", "x0tta6bl4"), ("user", "app"), ("state", state)), state == "active" ? 1 : 4);
        }

        Add(Pg(PostgresSeries.MaxConnections), 100);
        Add(Pg(PostgresSeries.WaitingSessions, ("database", "x0tta6bl4")), 0);
        Add(Pg(PostgresSeries.CommitsPerSecond, ("database", "x0tta6bl4")), load * 1.2);
        Add(Pg(PostgresSeries.RollbacksPerSecond, ("database", "x0tta6bl4")), 0);
        Add(Pg(PostgresSeries.TuplesPerSecond, ("database", "x0tta6bl4"), ("op", "fetched")), load * 40);
        Add(Pg(PostgresSeries.CacheHitRatio, ("database", "x0tta6bl4")), 0.9995);
        Add(Pg(PostgresSeries.SizeBytes, ("database", "x0tta6bl4")), 15e6 + t / 1e6);
        Add(Pg(PostgresSeries.IndexSizeBytes, ("database", "x0tta6bl4")), 2e6);
        Add(Pg(PostgresSeries.DeadTuples, ("table", "public.nodes")), 20 + t % 600_000 / 10_000);
        Add(Pg(PostgresSeries.AutovacuumWorkers), 0);
        Add(Pg(PostgresSeries.StatementMeanSeconds, ("queryid", "1"), ("query", "SELECT n.id FROM nodes n WHERE n.id = $1")), 0.0001);
        Add(Redis(RedisSeries.MemoryUsedBytes), 1.2e6);
        Add(Redis(RedisSeries.MemoryMaxBytes), 512e6);
        Add(Redis(RedisSeries.MemoryLimited), 1);
        Add(Redis(RedisSeries.HitRatio), 0.95);
        Add(Redis(RedisSeries.OpsPerSecond), load);
        Add(Redis(RedisSeries.EvictedKeysPerSecond), 0);
        Add(Redis(RedisSeries.EvictedKeysTotal), 0);
        Add(Redis(RedisSeries.ConnectedClients), 3);
        Add(Redis(RedisSeries.AofEnabled), 1);
        foreach (var job in new[] { "api", "prometheus", "dashboard" })
        {
            Add(SeriesKey.Of(CanonicalSeries.TargetUp, ("job", job), ("instance", job + ":80"), ("source", "prometheus")), 1);
        }

        foreach (var source in new[] { "prometheus", "postgres/postgres", "redis/redis" })
        {
            Add(SeriesKey.Of(CanonicalSeries.SourceUp, ("source", source)), 1);
        }

        Add(SeriesKey.Of(CanonicalSeries.PrometheusSeries, ("instance", "prometheus:9090"), ("source", "prometheus")), 2100);
        Add(SeriesKey.Of(CanonicalSeries.PrometheusIngestPerSecond, ("instance", "prometheus:9090"), ("source", "prometheus")), 180);
    }

    /// <summary>Times the 30-day report (model and each export) and the reference reads, median of <paramref name="rounds"/>.</summary>
    public static async Task<int> RunAsync(string baseUrl, int rounds)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(3) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("bench:bench-password")));
        const string query = "window=30d&compare=previous";

        // The reference: every metric name read through the query API over the same 30 days at the report's step.
        var names = JsonDocument.Parse(await http.GetStringAsync("api/v1/label/__name__/values")).RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetString()!).ToList();
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var start = end - 30 * 86_400;
        async Task Reference()
        {
            foreach (var name in names)
            {
                using var response = await http.GetAsync($"api/v1/query_range?query={Uri.EscapeDataString(name)}&start={start}&end={end}&step=10800");
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
            }
        }

        async Task Get(string path)
        {
            using var response = await http.GetAsync(path);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            await response.Content.ReadAsByteArrayAsync();
        }

        await Get($"report.json?{query}"); // warm up: JIT, SQLite page cache
        await Reference();
        var reference = await MedianAsync(Reference, rounds);
        Figures.Print("reference_query_api_reads_ms", reference, "0");
        Figures.Print("reference_query_api_reads", names.Count, "0");
        foreach (var format in new[] { "json", "html", "md", "csv", "pdf" })
        {
            var ms = await MedianAsync(() => Get($"report.{format}?{query}"), format == "pdf" ? Math.Min(rounds, 3) : rounds);
            Figures.Print($"report_30d_{format}_ms", ms, "0");
            Figures.Print($"report_30d_{format}_vs_reference_ratio", ms / reference, "0.00");
        }

        var json = JsonDocument.Parse(await http.GetStringAsync($"report.json?{query}"));
        var figures = json.RootElement.GetProperty("sections").EnumerateArray().Sum(s => s.GetProperty("figures").GetArrayLength());
        var measured = json.RootElement.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("figures").EnumerateArray())
            .Count(f => f.GetProperty("value").ValueKind == JsonValueKind.Number || f.GetProperty("text").ValueKind == JsonValueKind.String);
        Figures.Print("report_figures", figures, "0");
        Figures.Print("report_figures_measured", measured, "0");
        Figures.Print("rounds", rounds, "0");
        return 0;
    }

    private static async Task<double> MedianAsync(Func<Task> work, int rounds)
    {
        var times = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            await work();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[times.Count / 2];
    }
}
