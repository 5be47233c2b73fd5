namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>Settings for a dashboard or collector that watches one Redis of the test's own and nothing else.</summary>
internal static class SourceSettings
{
    /// <summary>The Redis source alone, polled every second with a one-second timeout; every other source off.</summary>
    public static Dictionary<string, string> RedisOnly(string redisEndpoint) => new()
    {
        ["Sources__Scrape__Enabled"] = "false",
        ["Sources__Prometheus__Url"] = "",
        ["Sources__Postgres__Connection"] = "",
        ["Sources__Redis__Endpoint"] = redisEndpoint,
        ["Sources__Redis__IntervalSeconds"] = "1",
        ["Sources__Redis__TimeoutSeconds"] = "1",
    };
}
