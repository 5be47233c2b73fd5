using System.Diagnostics;

namespace X0tta6bl4.Ops.Tests.Engines;

/// <summary>
/// A real Prometheus (Debian package) of a test's own, serving samples backfilled with
/// <c>promtool tsdb create-blocks-from openmetrics</c>: exactly the samples another engine is given, no scrape.
/// </summary>
public sealed class BackfilledPrometheus : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-prom-").FullName;
    private Process? _process;

    public int Port { get; } = ServiceProcesses.FreePort();

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public static async Task<BackfilledPrometheus> StartAsync(string openMetrics)
    {
        var prometheus = new BackfilledPrometheus();
        var data = Path.Combine(prometheus._dir, "data");
        var input = Path.Combine(prometheus._dir, "input.om");
        await File.WriteAllTextAsync(input, openMetrics);
        Directory.CreateDirectory(data);
        await ServiceProcesses.RunAsync("promtool", "tsdb", "create-blocks-from", "openmetrics", input, data);
        var config = Path.Combine(prometheus._dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1h\n");
        var start = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"--config.file={config}", $"--storage.tsdb.path={data}", "--storage.tsdb.retention.time=100y", $"--web.listen-address=127.0.0.1:{prometheus.Port}" })
        {
            start.ArgumentList.Add(arg);
        }

        prometheus._process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        prometheus._process.OutputDataReceived += (_, _) => { };
        prometheus._process.ErrorDataReceived += (_, _) => { };
        prometheus._process.BeginOutputReadLine();
        prometheus._process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                using var ready = await http.GetAsync(new Uri(prometheus.Url, "-/ready"));
                return ready.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return prometheus._process.HasExited ? throw new InvalidOperationException($"prometheus exited with {prometheus._process.ExitCode}") : false;
            }
        }, TimeSpan.FromSeconds(60), "the backfilled Prometheus to be ready");
        return prometheus;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
