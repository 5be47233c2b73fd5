using System.Diagnostics;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// A bad configuration is a message, not a crash, for all three hosts: "Configuration problems:", each problem on a line
/// of its own, exit code 2, and no stack trace — run as an operator would run them, from their build output.
/// </summary>
public sealed class ConfigurationProblemsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, string, string> Hosts => new()
    {
        { "Dashboard", "Sla__P95Ms", "-1", "Sla:P95Ms must be a positive number (was -1)." },
        { "Collector", "Collector__LeaseSeconds", "0", "Collector:LeaseSeconds" },
        { "Api", "Database__MaxPoolSize", "0", "Database:MaxPoolSize must be between 1 and 1000." },
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task ABadValue_IsNamedOnALineOfItsOwn_ExitCode2_NoStackTrace(string host, string key, string value, string problem)
    {
        var (exitCode, output, error) = await RunAsync(host, (key, value));

        Assert.Equal(2, exitCode);
        var lines = error.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Configuration problems:", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("- ", StringComparison.Ordinal) && l.Contains(problem, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", output + error);
        Assert.DoesNotContain("Unhandled exception", output + error);
    }

    [Fact]
    public async Task Dashboard_EverySectionsProblems_AreNamedTogether()
    {
        var (exitCode, _, error) = await RunAsync("Dashboard", ("Sources__Scrape__IntervalSeconds", "0"), ("Sources__Prometheus__Url", "not-a-url"),
            ("Collector__WindowSeconds", "1"), ("Alerts__ResendSeconds", "0"));

        Assert.Equal(2, exitCode);
        Assert.Contains("Collector:WindowSeconds", error);
        Assert.Contains("Sources:Scrape:IntervalSeconds", error);
        Assert.Contains("Sources:Prometheus:Url 'not-a-url'", error);
        Assert.Contains("Alerts:ResendSeconds", error);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string host, params (string Key, string Value)[] settings)
    {
        var dll = Path.Combine(StackEnvironment.RepositoryRoot, "src", host, "bin", "Release", "net10.0", $"X0tta6bl4.Ops.{host}.dll");
        var start = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Store__Sqlite__Path"] = Path.Combine(_dir, "metrics.db");
        start.Environment["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Username=nobody";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
