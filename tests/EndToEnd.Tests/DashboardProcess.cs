using System.Net;
using System.Net.Sockets;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>
/// The real dashboard, started the way the README starts it (dotnet run), on a free loopback port
/// with a store file of its own unless the settings name another store.
/// </summary>
public sealed class DashboardProcess : IAsyncDisposable
{
    private readonly DotnetProcess _process;

    private DashboardProcess(DotnetProcess process, Uri baseAddress, string storePath, string dataDir)
    {
        _process = process;
        BaseAddress = baseAddress;
        StorePath = storePath;
        DataDir = dataDir;
    }

    /// <summary>The operator the tests sign in as.</summary>
    public const string User = "e2e";

    public const string Password = "e2e-password";

    public Uri BaseAddress { get; }

    /// <summary>An HttpClient that signs in with HTTP Basic, as scripts do.</summary>
    public HttpClient AuthorizedClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{User}:{Password}")));
        return client;
    }

    public string StorePath { get; }

    private string DataDir { get; }

    public string Output => _process.Output;

    /// <summary>Ends the dashboard at once (SIGKILL), as a crash would; <see cref="DisposeAsync"/> still removes its data folder.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <param name="port">The port to listen on (a restart on the address a Prometheus pushes to); null: a free one.</param>
    public static async Task<DashboardProcess> StartAsync(IDictionary<string, string> settings, CancellationToken cancellationToken, int? port = null)
    {
        port ??= FreePort();
        var dataDir = Directory.CreateTempSubdirectory("x0-e2e-").FullName;
        var storePath = Path.Combine(dataDir, "metrics.db");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Store__Sqlite__Path"] = storePath,
            ["Auth__Users__0__Name"] = User,
            ["Auth__Users__0__PasswordHash"] = X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Hash(Password),
            ["Auth__Users__0__Role"] = "operator",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var process = DotnetProcess.Start("src/Dashboard", environment);
        var dashboard = new DashboardProcess(process, new Uri($"http://127.0.0.1:{port}/"), storePath, dataDir);

        using var http = new HttpClient { BaseAddress = dashboard.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        // Generous: on a loaded 2-core machine the first start (JIT, store migration) can take a while.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The dashboard exited with {process.ExitCode}:\n{dashboard.Output}");
            }

            try
            {
                using var response = await http.GetAsync("health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return dashboard;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(250, cancellationToken);
        }

        await dashboard.DisposeAsync();
        throw new TimeoutException($"The dashboard did not answer /health within 120 s:\n{dashboard.Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
    }
}
