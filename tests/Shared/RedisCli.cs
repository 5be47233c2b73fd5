using System.Text.RegularExpressions;

namespace X0tta6bl4.Ops.Tests;

/// <summary>The Redis server's own counters that the collector tests count polls with.</summary>
public static class RedisCli
{
    /// <summary>How many INFO commands the server has run since its stats were last reset: one per collector poll.</summary>
    public static async Task<int> InfoCallsAsync(this RedisProcess redis)
    {
        var match = Regex.Match(await redis.CliAsync("INFO", "commandstats"), @"cmdstat_info:calls=(\d+)");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
