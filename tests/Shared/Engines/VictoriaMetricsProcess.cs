using System.Diagnostics;
using System.Text;

namespace X0tta6bl4.Ops.Tests.Engines;

/// <summary>
/// A real single-node VictoriaMetrics (Debian package victoria-metrics) of a test's own: loopback, a free port,
/// data in a temp folder. Its query API is the one vmselect serves in a cluster.
/// </summary>
public sealed class VictoriaMetricsProcess : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-vm-").FullName;
    private readonly HttpClient _http;
    private Process? _process;

    private VictoriaMetricsProcess()
    {
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; } = ServiceProcesses.FreePort();

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>The folder of its data, for a config file to go beside it.</summary>
    public string Folder => _dir;

    /// <param name="configure">More flags, given the process (e.g. a -promscrape.config written into <see cref="Folder"/>).</param>
    public static async Task<VictoriaMetricsProcess> StartAsync(Func<VictoriaMetricsProcess, string[]>? configure = null)
    {
        var vm = new VictoriaMetricsProcess();
        // Imported history must not fall outside retention; the result cache would keep answers from before an import.
        var start = new ProcessStartInfo("victoria-metrics") { RedirectStandardOutput = true, RedirectStandardError = true };
        string[] flags = [$"-httpListenAddr=127.0.0.1:{vm.Port}", $"-storageDataPath={Path.Combine(vm._dir, "data")}", "-retentionPeriod=100y", "-search.disableCache"];
        foreach (var arg in flags.Concat(configure?.Invoke(vm) ?? []))
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            vm._process = Process.Start(start) ?? throw new InvalidOperationException("victoria-metrics did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("victoria-metrics is not installed (scripts/install-deps test installs the Debian package): " + e.Message, e);
        }

        vm._process.OutputDataReceived += (_, _) => { };
        vm._process.ErrorDataReceived += (_, _) => { };
        vm._process.BeginOutputReadLine();
        vm._process.BeginErrorReadLine();
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                return (await vm._http.GetStringAsync("health")).Trim() == "OK";
            }
            catch (HttpRequestException)
            {
                return vm._process.HasExited ? throw new InvalidOperationException($"victoria-metrics exited with {vm._process.ExitCode}") : false;
            }
        }, TimeSpan.FromSeconds(30), "VictoriaMetrics to answer /health");
        return vm;
    }

    /// <summary>Imports Prometheus text lines with millisecond timestamps, then flushes so that queries see them.</summary>
    public async Task ImportAsync(string prometheusText)
    {
        using var response = await _http.PostAsync("api/v1/import/prometheus", new StringContent(prometheusText, Encoding.UTF8, "text/plain"));
        response.EnsureSuccessStatusCode();
        using var flush = await _http.GetAsync("internal/force_flush");
        flush.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
