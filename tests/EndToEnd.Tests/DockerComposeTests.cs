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
}
