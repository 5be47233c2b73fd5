using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Collector.Sources.Redis;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

public class RedisSourceTests
{
    private static string Info(long hits, long misses, long commands, string maxmemory = "0", string cmdstat = "cmdstat_get:calls=100,usec=500,usec_per_call=5.00,rejected_calls=0,failed_calls=0") => $"""
        # Server
        redis_version:7.0.15
        redis_mode:standalone
        uptime_in_seconds:100
        # Memory
        used_memory:1048576
        maxmemory:{maxmemory}
        maxmemory_policy:noeviction
        mem_fragmentation_ratio:1.50
        # Persistence
        rdb_last_bgsave_status:ok
        rdb_last_save_time:1000
        aof_enabled:0
        # Stats
        total_commands_processed:{commands}
        keyspace_hits:{hits}
        keyspace_misses:{misses}
        evicted_keys:0
        expired_keys:4
        # Replication
        role:master
        connected_slaves:0
        master_repl_offset:0
        # Commandstats
        {cmdstat}
        # Latencystats
        latency_percentiles_usec_get:p50=8.031,p99=16.063,p99.9=75.263
        # Keyspace
        db0:keys=12,expires=3,avg_ttl=0
        """;

    private static double Value(IReadOnlyList<SeriesSample> samples, string name, params (string, string)[] labels) =>
        samples.Single(s => s.Key.Name == name && labels.All(l => s.Key[l.Item1] == l.Item2)).Value;

    [Fact]
    public void Derive_TwoReplies_GiveWindowedHitRatioRatesAndCommandMeans()
    {
        var derivation = new RedisDerivation("cache", TimeSpan.FromMinutes(1));
        derivation.Derive(RedisInfo.Parse(Info(hits: 1000, misses: 1000, commands: 5000)), 0);

        // 10 s later: +180 hits, +20 misses, +400 commands; GET +100 calls taking +1500 µs.
        var samples = derivation.Derive(RedisInfo.Parse(Info(1180, 1020, 5400,
            cmdstat: "cmdstat_get:calls=200,usec=2000,usec_per_call=10.00,rejected_calls=0,failed_calls=0")), 10_000);

        Assert.Equal(0.9, Value(samples, RedisSeries.HitRatio), 12); // the window's 90 %, not the lifetime's 59 %
        Assert.Equal(40, Value(samples, RedisSeries.OpsPerSecond), 12);
        Assert.Equal(10, Value(samples, RedisSeries.CommandCallsPerSecond, ("command", "get")), 12);
        Assert.Equal(15e-6, Value(samples, RedisSeries.CommandMeanSeconds, ("command", "get")), 15);
        Assert.Equal(16.063e-6, Value(samples, RedisSeries.CommandLatencySeconds, ("command", "get"), ("quantile", "0.99")), 15);
        Assert.Equal(12, Value(samples, RedisSeries.Keys, ("db", "0")));
        Assert.All(samples, s => Assert.Equal("cache", s.Key["instance"]));
    }

    [Fact]
    public void Derive_MaxmemoryZero_IsNoLimitNotAZeroLimit()
    {
        var samples = new RedisDerivation("cache", TimeSpan.FromMinutes(1)).Derive(RedisInfo.Parse(Info(0, 0, 0)), 0);

        Assert.Equal(0, Value(samples, RedisSeries.MemoryLimited));
        Assert.DoesNotContain(samples, s => s.Key.Name == RedisSeries.MemoryMaxBytes);
        Assert.Equal("noeviction", samples.Single(s => s.Key.Name == RedisSeries.Info).Key["policy"]);
    }

    [Fact]
    public void Derive_NoLookupsInWindow_GivesNoHitRatio()
    {
        var derivation = new RedisDerivation("cache", TimeSpan.FromMinutes(1));
        derivation.Derive(RedisInfo.Parse(Info(10, 10, 100)), 0);

        var samples = derivation.Derive(RedisInfo.Parse(Info(10, 10, 100)), 10_000);

        Assert.DoesNotContain(samples, s => s.Key.Name == RedisSeries.HitRatio);
        Assert.DoesNotContain(samples, s => s.Key.Name == RedisSeries.CommandMeanSeconds);
    }

    [Fact]
    public void Derive_RestartBetweenReplies_CountsFromTheRestart()
    {
        var derivation = new RedisDerivation("cache", TimeSpan.FromMinutes(1));
        derivation.Derive(RedisInfo.Parse(Info(5000, 5000, 90000)), 0);

        var samples = derivation.Derive(RedisInfo.Parse(Info(30, 10, 100)), 10_000);

        Assert.Equal(0.75, Value(samples, RedisSeries.HitRatio), 12);
        Assert.Equal(10, Value(samples, RedisSeries.OpsPerSecond), 12);
    }

    [Fact]
    public void Parse_NotRedis_IsRefused() =>
        Assert.Throws<FormatException>(() => RedisInfo.Parse("HTTP/1.1 200 OK\r\nserver:nginx"));

    [Fact]
    public async Task RealRedis_StoppedAndRestarted_FailsClearlyThenRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = new RedisProcess();
        await redis.StartAsync();
        var source = new RedisSource(new RedisSourceOptions { Endpoint = redis.ConnectionString, Name = "cache" }, new CollectorOptions());
        var first = await source.CollectAsync(0, ct);

        await redis.StopAsync();
        var down = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(10_000, ct));
        await redis.StartAsync();
        var again = await source.CollectAsync(20_000, ct);

        Assert.Contains(first, s => s.Key.Name == RedisSeries.MemoryUsedBytes && s.Value > 0);
        Assert.Contains("unreachable", down.Message);
        Assert.Contains(redis.ConnectionString, down.Message);
        Assert.Contains(again, s => s.Key.Name == RedisSeries.UptimeSeconds);
    }

    [Fact]
    public async Task RealRedis_HitRatioMatchesTheLookupsWeMade()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = new RedisProcess();
        await redis.StartAsync();
        var source = new RedisSource(new RedisSourceOptions { Endpoint = redis.ConnectionString, Name = "cache" }, new CollectorOptions());
        await RedisCli(redis, "SET", "k", "v");
        await source.CollectAsync(0, ct);

        for (var i = 0; i < 3; i++)
        {
            await RedisCli(redis, "GET", "k");       // hit
        }

        await RedisCli(redis, "GET", "missing");     // miss
        var samples = await source.CollectAsync(10_000, ct);

        Assert.Equal(0.75, Value(samples, RedisSeries.HitRatio), 12);
    }

    private static Task RedisCli(RedisProcess redis, params string[] args) =>
        ServiceProcesses.RunAsync("redis-cli", ["-p", redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args]);
}
