using System.Diagnostics;
using System.Text.RegularExpressions;

namespace X0tta6bl4.Ops.Tests;

/// <summary>redis-cli against a test's own Redis, to read the server's own counters.</summary>
public static class RedisCli
{
    public static async Task<string> CliAsync(this RedisProcess redis, params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"redis-cli {string.Join(' ', args)} exited with {process.ExitCode}: {output}");
    }

    /// <summary>How many INFO commands the server has run since its stats were last reset: one per collector poll.</summary>
    public static async Task<int> InfoCallsAsync(this RedisProcess redis)
    {
        var match = Regex.Match(await redis.CliAsync("INFO", "commandstats"), @"cmdstat_info:calls=(\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
