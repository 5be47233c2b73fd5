using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace X0tta6bl4.Ops.Tests;

/// <summary>
/// Real Redis and PostgreSQL servers of a test's own (Debian packages, loopback, a free port, a temp
/// folder), so a fault test can stop and restart them without touching the shared stack.
/// </summary>
public static class ServiceProcesses
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<int> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
        }

        return process.ExitCode;
    }

    public static bool IsRoot => Environment.UserName == "root";
}

public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-redis-").FullName;
    private Process? _process;

    public int Port { get; } = ServiceProcesses.FreePort();

    public string ConnectionString => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"redis-server did not listen on {Port}.");
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

public sealed class PostgresProcess : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-pg-").FullName;

    public int Port { get; } = ServiceProcesses.FreePort();

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=3";

    private string DataDir => Path.Combine(_dir, "data");

    // PostgreSQL refuses to run as root; as root it runs as the postgres user.
    private Task RunAsPostgresAsync(string tool, params string[] args) =>
        ServiceProcesses.IsRoot
            ? ServiceProcesses.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(Bin, tool), .. args])
            : ServiceProcesses.RunAsync(Path.Combine(Bin, tool), args);

    public async Task InitAndStartAsync()
    {
        if (ServiceProcesses.IsRoot)
        {
            await ServiceProcesses.RunAsync("chown", "postgres", _dir);
        }

        await RunAsPostgresAsync("initdb", "-D", DataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await StartAsync();
    }

    public Task StartAsync() => RunAsPostgresAsync("pg_ctl", "-D", DataDir, "-l", Path.Combine(_dir, "log"), "-w", "-t", "30", "start",
        "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_dir}");

    public Task StopAsync() => RunAsPostgresAsync("pg_ctl", "-D", DataDir, "-m", "immediate", "-w", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        Directory.Delete(_dir, recursive: true);
    }
}
