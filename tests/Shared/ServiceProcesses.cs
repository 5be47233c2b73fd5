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

    /// <returns>What the program printed on standard output.</returns>
    public static async Task<string> RunAsync(string file, params string[] args)
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

        return await output;
    }

    public static bool IsRoot => Environment.UserName == "root";
}

public sealed class RedisProcess : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-redis-").FullName;
    private readonly string[] _serverArguments;
    private Process? _process;

    /// <param name="serverArguments">More redis-server arguments, e.g. "--requirepass", "secret"; kept across restarts.</param>
    public RedisProcess(params string[] serverArguments)
        : this(ServiceProcesses.FreePort(), serverArguments)
    {
    }

    private RedisProcess(int port, string[] serverArguments)
    {
        Port = port;
        _serverArguments = serverArguments;
    }

    /// <summary>A Redis that speaks only TLS on <see cref="Port"/> (redis-cli helpers do not work with it).</summary>
    public static RedisProcess WithTls(string certificateFile, string keyFile, string caFile)
    {
        var port = ServiceProcesses.FreePort();
        return new RedisProcess(port, ["--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tls-cert-file", certificateFile, "--tls-key-file", keyFile, "--tls-ca-cert-file", caFile, "--tls-auth-clients", "no"]);
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Runs redis-cli against this server, as the default user (with its --requirepass, if any).</summary>
    public Task<string> CliAsync(params string[] args)
    {
        var password = Array.IndexOf(_serverArguments, "--requirepass") is var i and >= 0 ? _serverArguments[i + 1] : null;
        string[] auth = password is null ? [] : ["--no-auth-warning", "-a", password];
        return ServiceProcesses.RunAsync("redis-cli", ["-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. auth, .. args]);
    }

    /// <summary>One number of INFO, e.g. "connected_clients" (redis-cli's own connection included).</summary>
    public async Task<long> InfoNumberAsync(string section, string field)
    {
        var line = (await CliAsync("INFO", section)).Split('\n').Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].TrimEnd('\r'), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--port", Port.ToString(), "--bind", "127.0.0.1", "--dir", _dir, "--save", "", "--appendonly", "no", .. _serverArguments])
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

    /// <summary>More server options (a standby's name).</summary>
    private string _options = "";

    /// <summary>
    /// A hot standby streaming from <paramref name="primary"/> (pg_basebackup -R, as scripts/stack makes one), started,
    /// listed in the primary's pg_stat_replication under <paramref name="name"/>.
    /// </summary>
    public static async Task<PostgresProcess> StandbyOfAsync(PostgresProcess primary, string name)
    {
        var standby = new PostgresProcess { _options = $" -c cluster_name={name} -c hot_standby=on" };
        if (ServiceProcesses.IsRoot)
        {
            await ServiceProcesses.RunAsync("chown", "postgres", standby._dir);
        }

        await standby.RunAsPostgresAsync("pg_basebackup", "-h", "127.0.0.1", "-p", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "postgres", "-D", standby.DataDir, "-R", "-X", "stream", "-c", "fast");
        await standby.StartAsync();
        return standby;
    }

    public Task StartAsync() => RunAsPostgresAsync("pg_ctl", "-D", DataDir, "-l", Path.Combine(_dir, "log"), "-w", "-t", "30", "start",
        "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -k {_dir}{_options}");

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
