using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// bench/run alerts. (1) Detection to delivery: Redis is stopped; our source-down rule (the dashboard's collector) and a
/// Prometheus rule `redis_up == 0` (Debian's redis_exporter) — same 5-s poll and scrape, same 5-s evaluation, same 30-s
/// `for` — each reach the same Alertmanager and this program's webhook. The time from the stop to each firing payload,
/// median over the rounds; ratio ours ÷ Prometheus's (goal ≤ 1). (2) Re-sending: the dashboard's CPU (from /proc, user +
/// system) over 60 s with 1,000 firing alerts re-sent every 10 s, less its CPU over the minutes before and after with none;
/// per re-send cycle, and as a share of a core at the default 60-s resend interval (goal ≤ 5 %).
/// </summary>
public static class AlertsBenchmark
{
    private const string Ours = "Collector source down";
    private const string Theirs = "RedisDown";

    private sealed record Notification(string AlertName, string Status, long AtTicks);

    public static async Task<int> RunAsync(int webhookPort, int redisPort, string prometheusUrl, string alertmanagerUrl, string storePath, int dashboardPid, int rounds)
    {
        var received = new ConcurrentQueue<Notification>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{webhookPort}");
        await using var webhook = builder.Build();
        webhook.MapPost("/", async (HttpRequest request) =>
        {
            var at = Stopwatch.GetTimestamp();
            var payload = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body);
            foreach (var alert in payload.GetProperty("alerts").EnumerateArray())
            {
                received.Enqueue(new Notification(alert.GetProperty("labels").GetProperty("alertname").GetString()!, alert.GetProperty("status").GetString()!, at));
            }

            return Results.Ok();
        });
        await webhook.StartAsync();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await UntilAsync(async () => await RedisUpAsync(http, prometheusUrl) == "1", TimeSpan.FromMinutes(2), "Prometheus scraping redis_up = 1");
        // The dashboard polls Redis up before the first fault, so its first poll is no part of the measurement.
        await Task.Delay(TimeSpan.FromSeconds(12));

        var store = new SqlAlertStore(SqlDatabase.Sqlite(storePath));
        var ours = new List<double>();
        var theirs = new List<double>();
        var phase = new Random(20261208);
        for (var round = 0; round < rounds; round++)
        {
            // A random moment in the 5-s cycle: both sides poll, scrape and evaluate every 5 s, and a stop always at the
            // same phase of one side's cycle (as "12 s after both resolved" was) would favour the other.
            await Task.Delay(TimeSpan.FromMilliseconds(phase.Next(0, 5000)));
            var from = received.Count;
            var stopped = Stopwatch.GetTimestamp();
            var stoppedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await RunAsync("redis-cli", "-p", redisPort.ToString(CultureInfo.InvariantCulture), "shutdown", "nosave");
            var firing = await UntilAsync(() => Task.FromResult(received.Skip(from).Where(n => n.Status == "firing").ToList()),
                n => n.Any(x => x.AlertName == Ours) && n.Any(x => x.AlertName == Theirs), TimeSpan.FromMinutes(3),
                () => $"both firing payloads (received since the stop: {string.Join(", ", received.Skip(from).Select(n => $"{n.AlertName} {n.Status}"))})");
            ours.Add(Stopwatch.GetElapsedTime(stopped, firing.First(n => n.AlertName == Ours).AtTicks).TotalSeconds);
            theirs.Add(Stopwatch.GetElapsedTime(stopped, firing.First(n => n.AlertName == Theirs).AtTicks).TotalSeconds);
            // Where our time went: the stop to the first poll that saw Redis down (the alert's start), that poll to the
            // firing (the rule's for), and the firing to the webhook (delivery and Alertmanager's group_wait).
            var alert = (await store.OpenAlertsAsync()).Where(a => a.RuleId == "source-down").MaxBy(a => a.Id)!;
            var toPoll = (alert.StartedMs - stoppedAtMs) / 1000.0;
            var toFire = (alert.FiredMs!.Value - alert.StartedMs) / 1000.0;
            Console.Error.WriteLine($"round {round + 1}: ours {ours[^1]:0.0} s (stop → first bad poll {toPoll:0.0} s, → fired {toFire:0.0} s, → webhook " +
                $"{ours[^1] - toPoll - toFire:0.0} s), Prometheus {theirs[^1]:0.0} s");

            await RunAsync("bash", "-c", Environment.GetEnvironmentVariable("X0_BENCH_REDIS_START")!);
            await UntilAsync(() => Task.FromResult(received.Skip(from).Where(n => n.Status == "resolved").ToList()),
                n => n.Any(x => x.AlertName == Ours) && n.Any(x => x.AlertName == Theirs), TimeSpan.FromMinutes(3),
                () => $"both resolved payloads (received since the stop: {string.Join(", ", received.Skip(from).Select(n => $"{n.AlertName} {n.Status}"))})");
            // Both sides settled (Redis polled and scraped up again) before the next fault.
            await Task.Delay(TimeSpan.FromSeconds(12));
        }

        var (ourMedian, theirMedian) = (Figures.Percentile(ours, 0.5), Figures.Percentile(theirs, 0.5));
        Figures.Print("ours_detection_to_delivery_median_s", ourMedian, "0.0");
        Figures.Print("prometheus_detection_to_delivery_median_s", theirMedian, "0.0");
        Figures.Print("ours_vs_prometheus_delivery_ratio", ourMedian / theirMedian, "0.00");

        await ResendCostAsync(storePath, dashboardPid, alertmanagerUrl, http);
        await webhook.StopAsync();
        return 0;
    }

    /// <summary>
    /// The dashboard's CPU over a minute with 1,000 firing alerts re-sent every 10 s (6 cycles), against the mean of the
    /// minute before they fired and the minute after they resolved (the same process doing everything else).
    /// </summary>
    private static async Task ResendCostAsync(string storePath, int dashboardPid, string alertmanagerUrl, HttpClient http)
    {
        var window = TimeSpan.FromSeconds(60);
        var before = await CpuOverAsync(dashboardPid, window);

        var alerts = new SqlAlertStore(SqlDatabase.Sqlite(storePath));
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new List<long>();
        for (var i = 0; i < 1000; i++)
        {
            // target-down on jobs that have no series: the evaluator leaves them firing (no data is no recovery).
            var id = await alerts.StartAsync("target-down", "critical", $"instance=\"bench-{i}:9100\",job=\"bench\"", now, 0);
            await alerts.FireAsync(id, now, 0);
            ids.Add(id);
        }

        await UntilAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"{alertmanagerUrl}/api/v2/alerts?filter=job%3D%22bench%22")).GetArrayLength() >= 1000,
            TimeSpan.FromMinutes(2), "the 1,000 alerts in Alertmanager");
        var busy = await CpuOverAsync(dashboardPid, window);
        var resolvedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var id in ids)
        {
            await alerts.ResolveAsync(id, resolvedAt);
        }

        // Resolved alerts are sent on for 15 minutes; the after-window starts once they left the store's window.
        await Task.Delay(TimeSpan.FromSeconds(15));
        var after = await CpuOverAsync(dashboardPid, window);
        var idle = (before + after) / 2;
        var cycles = window.TotalSeconds / 10;
        var perCycleMs = (busy - idle) * 1000 / cycles;
        Console.Error.WriteLine($"dashboard CPU over {window.TotalSeconds:0} s: {before:0.00} s before, {busy:0.00} s with 1,000 firing, {after:0.00} s after");
        Figures.Print("idle_dashboard_cpu_share", idle / window.TotalSeconds, "0.000");
        Figures.Print("resend_1000_alerts_cpu_ms_per_cycle", perCycleMs, "0");
        Figures.Print("resend_1000_alerts_core_share_at_60s", perCycleMs / 1000 / 60, "0.0000");
    }

    /// <summary>CPU seconds (user + system) the process used over the window.</summary>
    private static async Task<double> CpuOverAsync(int pid, TimeSpan window)
    {
        var before = CpuSeconds(pid);
        await Task.Delay(window);
        return CpuSeconds(pid) - before;
    }

    private static double CpuSeconds(int pid)
    {
        // /proc/PID/stat: fields 14 and 15 (utime, stime) in clock ticks, after the command name in parentheses.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static async Task<string?> RedisUpAsync(HttpClient http, string prometheusUrl)
    {
        try
        {
            var answer = await http.GetFromJsonAsync<JsonElement>($"{prometheusUrl}/api/v1/query?query=redis_up");
            var result = answer.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0 ? null : result[0].GetProperty("value")[1].GetString();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.WaitForExitAsync();
    }

    private static async Task UntilAsync(Func<Task<bool>> check, TimeSpan timeout, string what) =>
        await UntilAsync(check, ok => ok, timeout, () => what);

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, Func<string> what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"No {what()} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100);
        }
    }
}
