using System.Diagnostics;
using System.Text;
using System.Text.Json;
namespace X0tta6bl4.Ops.Tests.Engines;

/// <summary>
/// A Prometheus of the test's own (the Debian package scripts/stack uses), on a free loopback port with a TSDB in a
/// temporary folder and the configuration given; its log kept for the assertions and the failure message. Started
/// empty to scrape or push, or backfilled (<see cref="StartBackfilledAsync"/>) to serve exactly given samples.
/// </summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly StringBuilder _log = new();

    private PrometheusProcess(Process process, string dir, Uri baseAddress)
    {
        _process = process;
        _dir = dir;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static Task<PrometheusProcess> StartAsync(string configuration, CancellationToken ct) =>
        StartAsync(configuration, Directory.CreateTempSubdirectory("x0-prom-").FullName, [], ct);

    /// <summary>
    /// A Prometheus that scrapes nothing and serves the samples of <paramref name="openMetrics"/>, backfilled with
    /// <c>promtool tsdb create-blocks-from openmetrics</c>: exactly the samples another engine is given.
    /// </summary>
    public static async Task<PrometheusProcess> StartBackfilledAsync(string openMetrics, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("x0-prom-").FullName;
        var input = Path.Combine(dir, "input.om");
        await File.WriteAllTextAsync(input, openMetrics, ct);
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        await ServiceProcesses.RunAsync("promtool", "tsdb", "create-blocks-from", "openmetrics", input, Path.Combine(dir, "data"));
        return await StartAsync("global:\n  scrape_interval: 1h\n", dir, ["--storage.tsdb.retention.time=100y"], ct);
    }

    private static async Task<PrometheusProcess> StartAsync(string configuration, string dir, string[] moreArguments, CancellationToken ct)
    {
        await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), configuration, ct);
        var port = ServiceProcesses.FreePort();
        var start = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[$"--config.file={dir}/prometheus.yml", $"--storage.tsdb.path={dir}/data", $"--web.listen-address=127.0.0.1:{port}", .. moreArguments])
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        var prometheus = new PrometheusProcess(process, dir, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => prometheus.Append(e.Data);
        process.ErrorDataReceived += (_, e) => prometheus.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = prometheus.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetAsync("-/ready", ct)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return !process.HasExited ? false : throw new InvalidOperationException("prometheus exited:\n" + prometheus.Log);
            }
        }, TimeSpan.FromSeconds(60), "Prometheus to be ready", ct);
        return prometheus;
    }

    /// <summary>An instant query; the JSON "result" array.</summary>
    public async Task<JsonElement> QueryAsync(string promql, long atMs, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        var at = (atMs / 1000.0).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        using var response = await http.GetAsync($"api/v1/query?query={Uri.EscapeDataString(promql)}&time={at}", ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{promql}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>One number of Prometheus's own /metrics, summed over its label sets (0 when absent).</summary>
    public async Task<double> OwnMetricAsync(string name, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        var text = await http.GetStringAsync("metrics", ct);
        return text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal) || l.StartsWith(name + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
