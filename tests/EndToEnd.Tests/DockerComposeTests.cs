using System.Diagnostics;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

public class DockerComposeTests
{
    private static async Task<(int ExitCode, string Output)> ComposeAsync(params string[] args)
    {
        var start = new ProcessStartInfo("docker-compose")
        {
            WorkingDirectory = StackEnvironment.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task Config_IsValid()
    {
        var (exitCode, output) = await ComposeAsync("config", "-q");

        Assert.True(exitCode == 0, output);
    }

    [Fact]
    public async Task Config_RunsTheSeedsServicesWithTheSeedsRedisSettings()
    {
        var (exitCode, output) = await ComposeAsync("config");

        Assert.Equal(0, exitCode);
        Assert.Contains("image: postgres:15-alpine", output);
        Assert.Contains("image: redis:7-alpine", output);
        foreach (var setting in new[] { "--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru", "--appendonly" })
        {
            Assert.Contains(setting, output);
        }

        foreach (var service in new[] { "prometheus:", "api:", "dashboard:" })
        {
            Assert.Contains(service, output);
        }
    }

    [Fact]
    public async Task Config_RunsTheProductionShape_AStandaloneCollectorAndADashboardWithoutOne_OnOnePostgresStore()
    {
        var (exitCode, output) = await ComposeAsync("config");

        Assert.Equal(0, exitCode);
        var collector = Service(output, "collector");
        var dashboard = Service(output, "dashboard");
        Assert.Contains("collector.Dockerfile", collector);
        Assert.Contains("Store__Provider: Postgres", collector);
        Assert.Contains("Store__Provider: Postgres", dashboard);
        Assert.Contains("Collector__Enabled: \"false\"", dashboard);
        var store = "Database=x0tta6bl4_ops";
        Assert.Contains(store, collector);
        Assert.Contains(store, dashboard);
        Assert.Contains("init-store.sql", Service(output, "postgres"));
    }

    [Fact]
    public async Task Config_RunsNodeExporterAndCadvisor_WhichItsPrometheusScrapes()
    {
        var (exitCode, output) = await ComposeAsync("config");
        var prometheus = await PrometheusConfigAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("image: prom/node-exporter:", Service(output, "node-exporter"));
        Assert.Contains("image: gcr.io/cadvisor/cadvisor:", Service(output, "cadvisor"));
        // The targets are the services' names and ports, as Prometheus in the same compose network reaches them.
        Assert.Contains("job_name: node", prometheus);
        Assert.Contains("\"node-exporter:9100\"", prometheus);
        Assert.Contains("job_name: cadvisor", prometheus);
        Assert.Contains("\"cadvisor:8080\"", prometheus);
    }

    [Fact]
    public async Task Config_RunsAnAlertmanager_TheCollectorAndPrometheusSendTo()
    {
        var (exitCode, output) = await ComposeAsync("config");
        var prometheus = await PrometheusConfigAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("image: prom/alertmanager:v0.25.0", Service(output, "alertmanager"));
        Assert.Contains("Alerts__Alertmanagers__0__Url: http://alertmanager:9093", Service(output, "collector"));
        Assert.Contains("\"alertmanager:9093\"", prometheus);
    }

    /// <summary>deploy/prometheus.yml, which docker-compose mounts into its Prometheus as it is.</summary>
    private static Task<string> PrometheusConfigAsync() =>
        File.ReadAllTextAsync(Path.Combine(StackEnvironment.RepositoryRoot, "deploy", "prometheus.yml"), TestContext.Current.CancellationToken);

    /// <summary>One service's block of `docker-compose config` output (two-space indented under services:).</summary>
    private static string Service(string config, string name)
    {
        var lines = config.Split('\n');
        var start = Array.FindIndex(lines, l => l == $"  {name}:");
        Assert.True(start >= 0, $"no service {name} in:\n{config}");
        var end = Array.FindIndex(lines, start + 1, l => l.Length > 2 && !l.StartsWith("   ", StringComparison.Ordinal));
        return string.Join('\n', lines[start..(end < 0 ? lines.Length : end)]);
    }
}
