using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace X0tta6bl4.Ops.Tests;

/// <summary>
/// A real Alertmanager (Debian's prometheus-alertmanager) on a loopback port of its own, its data in a temp folder,
/// no cluster, routing every alert to one webhook at once (group_wait and group_interval of a second) with resolved
/// notifications on.
/// </summary>
public sealed class AlertmanagerProcess : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-am-").FullName;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private AlertmanagerProcess()
    {
    }

    public int Port { get; } = ServiceProcesses.FreePort();

    public string Url => $"http://127.0.0.1:{Port}";

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

    public static async Task<AlertmanagerProcess> StartAsync(string webhookUrl)
    {
        var alertmanager = new AlertmanagerProcess();
        await File.WriteAllTextAsync(Path.Combine(alertmanager._dir, "alertmanager.yml"), $"""
            route:
              receiver: webhook
              group_by: ['alertname']
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
            receivers:
              - name: webhook
                webhook_configs:
                  - url: {webhookUrl}
                    send_resolved: true
            """);
        await alertmanager.StartAsync();
        return alertmanager;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("prometheus-alertmanager") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[$"--config.file={Path.Combine(_dir, "alertmanager.yml")}", $"--storage.path={Path.Combine(_dir, "data")}",
                     $"--web.listen-address=127.0.0.1:{Port}", "--cluster.listen-address="])
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient();
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetAsync($"{Url}/-/ready")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), $"Alertmanager to be ready on {Url}");
    }

    /// <summary>Alertmanager's own view of its alerts (GET /api/v2/alerts).</summary>
    public async Task<JsonElement> AlertsAsync(CancellationToken ct)
    {
        using var http = new HttpClient();
        return JsonDocument.Parse(await http.GetStringAsync($"{Url}/api/v2/alerts", ct)).RootElement;
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
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
        await StopAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
