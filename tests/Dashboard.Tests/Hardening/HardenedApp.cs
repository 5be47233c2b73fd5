using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using X0tta6bl4.Ops.Dashboard.Auth;

namespace X0tta6bl4.Ops.Dashboard.Tests.Hardening;

/// <summary>
/// The dashboard as users run it (Production, unless a test asks otherwise) on a SQLite store of its own, with an
/// operator "ana" (password "pw") and a log the test can read.
/// </summary>
public sealed class HardenedApp : IAsyncDisposable
{
    public const string User = "ana";
    public const string Password = "pw";

    private static readonly string Hash = PasswordHasher.Hash(Password);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"x0-harden-{Guid.NewGuid():N}.db");

    /// <param name="kestrel">Serve over a real loopback socket (a port of the system's choosing) rather than the in-memory test server.</param>
    public HardenedApp(IReadOnlyDictionary<string, string>? settings = null, string environment = "Production", bool kestrel = false)
    {
        Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            b.UseSetting("Store:Sqlite:Path", _path);
            b.UseSetting("Collector:Enabled", "false");
            b.UseSetting("Auth:Users:0:Name", User);
            b.UseSetting("Auth:Users:0:PasswordHash", Hash);
            b.UseSetting("Auth:Users:0:Role", "operator");
            foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            {
                b.UseSetting(key, value);
            }

            b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(Log)));
        });
        if (kestrel)
        {
            Factory.UseKestrel(0);
            Factory.StartServer();
        }
    }

    public string StorePath => _path;

    public WebApplicationFactory<Program> Factory { get; }

    public CapturedLog Log { get; } = new();

    /// <summary>A client that signs in with HTTP Basic on every request.</summary>
    public HttpClient Basic(string user = User, string password = Password, string scheme = "Basic", Uri? baseAddress = null)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = baseAddress ?? Factory.ClientOptions.BaseAddress });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(scheme, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    public HttpClient Anonymous(Uri? baseAddress = null) =>
        Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = baseAddress ?? Factory.ClientOptions.BaseAddress });

    /// <summary>Posts the sign-in form as a browser does (antiforgery token from the page); returns the answer (a redirect).</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string user, string password, CancellationToken ct)
    {
        var page = await client.GetStringAsync("/login", ct);
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*?value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        return await client.PostAsync("/auth/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = user, ["password"] = password, ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
        }), ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    public sealed class CapturedLog : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLog log, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                log.Entries.Enqueue((category, logLevel, formatter(state, exception), exception));
        }
    }
}
