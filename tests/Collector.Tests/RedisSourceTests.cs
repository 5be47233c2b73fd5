using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Collector.Sources.Redis;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
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
        await using var redis = await StartRedisAsync();
        await using var source = Source(redis);
        var first = await source.CollectAsync(0, ct);

        await redis.StopAsync();
        var down = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(10_000, ct));
        await redis.StartAsync();
        var again = await CollectOnceReconnectedAsync(source, ct);

        Assert.Contains(first, s => s.Key.Name == RedisSeries.MemoryUsedBytes && s.Value > 0);
        Assert.Contains("unreachable", down.Message);
        Assert.Contains(redis.ConnectionString, down.Message);
        Assert.Contains(again, s => s.Key.Name == RedisSeries.UptimeSeconds);
    }

    [Fact]
    public async Task RealRedis_HitRatioMatchesTheLookupsWeMade()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await StartRedisAsync();
        await using var source = Source(redis);
        await redis.CliAsync("SET", "k", "v");
        await source.CollectAsync(0, ct);

        for (var i = 0; i < 3; i++)
        {
            await redis.CliAsync("GET", "k");       // hit
        }

        await redis.CliAsync("GET", "missing");     // miss
        var samples = await source.CollectAsync(10_000, ct);

        Assert.Equal(0.75, Value(samples, RedisSeries.HitRatio), 12);
    }

    [Fact]
    public async Task RealRedis_SeveralPolls_UseOneConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await StartRedisAsync();
        await using var client = new RedisInfoClient(new RedisSourceOptions { Endpoint = redis.ConnectionString });

        var replies = new List<RedisInfo>();
        for (var i = 0; i < 5; i++)
        {
            replies.Add(RedisInfo.Parse(await client.InfoAsync(ct)));
        }

        // A connection per poll would add one to total_connections_received each time.
        Assert.Equal(replies[0].Number("total_connections_received"), replies[^1].Number("total_connections_received"));
        Assert.All(replies, r => Assert.Equal(1, r.Number("connected_clients"))); // no second (pub/sub) connection either
    }

    [Fact]
    public async Task RealRedis_RequirePassWithThePassword_Reads()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await StartRedisAsync("--requirepass", "right-pw-1");
        await using var source = Source(redis, password: "right-pw-1");

        var samples = await source.CollectAsync(0, ct);

        Assert.Contains(samples, s => s.Key.Name == RedisSeries.UptimeSeconds);
    }

    [Fact]
    public async Task RealRedis_RequirePassWithAWrongPassword_FailsNamingTheEndpointButNotThePassword()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await StartRedisAsync("--requirepass", "right-pw-2");
        await using var source = Source(redis, password: "wrong-pw-2");

        var e = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(0, ct));

        Assert.StartsWith($"Redis at {redis.ConnectionString} refused the password (WRONGPASS", e.Message);
        Assert.DoesNotContain("wrong-pw-2", e.Message);
        Assert.DoesNotContain("right-pw-2", e.Message);
    }

    [Fact]
    public async Task RealRedis_RequirePassWithNoPassword_SaysOneIsWanted()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await StartRedisAsync("--requirepass", "right-pw-3");
        await using var source = Source(redis);

        var e = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(0, ct));

        Assert.StartsWith($"Redis at {redis.ConnectionString} wants a password and none is set (NOAUTH", e.Message);
    }

    [Fact]
    public async Task RealRedis_AclUserWithInfoAndPing_Reads()
    {
        var ct = TestContext.Current.CancellationToken;
        // The default user has a password we do not give, so only the monitor user can succeed.
        await using var redis = await StartRedisAsync("--requirepass", "admin-pw-4");
        await redis.CliAsync("ACL", "SETUSER", "monitor", "on", ">monitor-pw-4", "-@all", "+info", "+ping");
        await using var source = Source(redis, "monitor", "monitor-pw-4");

        var samples = await source.CollectAsync(0, ct);

        Assert.Contains(samples, s => s.Key.Name == RedisSeries.MemoryUsedBytes && s.Value > 0);
    }

    [Fact]
    public async Task RealRedis_AclUserWithoutInfo_FailsNamingTheCommandItLacks()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await StartRedisAsync();
        await redis.CliAsync("ACL", "SETUSER", "monitor", "on", ">monitor-pw-5", "-@all", "+ping");
        await using var source = Source(redis, "monitor", "monitor-pw-5");

        var e = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(0, ct));

        Assert.StartsWith($"Redis at {redis.ConnectionString} refuses user 'monitor' a command", e.Message);
        Assert.Contains("'info'", e.Message);
        Assert.DoesNotContain("monitor-pw-5", e.Message);
    }

    [Fact]
    public async Task RealRedis_CollectorProviderDisposed_ClosesTheSourcesConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var redis = await StartRedisAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Collector:Enabled"] = "false",
            ["Sources:Scrape:Enabled"] = "false",
            ["Sources:Prometheus:Url"] = "",
            ["Sources:Postgres:Connection"] = "",
            ["Sources:Redis:Endpoint"] = redis.ConnectionString,
            ["Store:Sqlite:Path"] = Path.Combine(Path.GetTempPath(), $"x0-redis-dispose-{Guid.NewGuid():N}.db"),
        }).Build();
        // The store is registered (the collector writes source states through it) but never opened here.
        var provider = new ServiceCollection().AddLogging().AddMetricStore(configuration, Path.GetTempPath()).AddCollector(configuration).BuildServiceProvider();
        var source = Assert.IsType<RedisSource>(Assert.Single(provider.GetRequiredService<IReadOnlyList<ISource>>()));
        await source.CollectAsync(0, ct);
        var whileOpen = await redis.InfoNumberAsync("clients", "connected_clients");

        await provider.DisposeAsync();
        Assert.Equal(2, whileOpen); // ours and redis-cli's
        await Eventually.UntilAsync(() => redis.InfoNumberAsync("clients", "connected_clients"), clients => clients == 1, TimeSpan.FromSeconds(30),
            "the source's connection to close after the provider was disposed (redis-cli's own is the one left)", ct);
    }

    [Fact]
    public async Task RealRedis_TlsWithItsCaTrusted_Reads()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificates = await TestCertificates.CreateAsync();
        await using var redis = RedisProcess.WithTls(certificates.ServerCertificate, certificates.ServerKey, certificates.Ca);
        await redis.StartAsync();
        await using var source = new RedisSource(
            new RedisSourceOptions { Endpoint = redis.ConnectionString, Name = "cache", Tls = true, TlsCaFile = certificates.Ca }, new CollectorOptions());

        var samples = await source.CollectAsync(0, ct);

        Assert.Contains(samples, s => s.Key.Name == RedisSeries.UptimeSeconds);
    }

    [Fact]
    public async Task RealRedis_TlsWithAnUntrustedCertificate_FailsSayingSo()
    {
        var ct = TestContext.Current.CancellationToken;
        using var certificates = await TestCertificates.CreateAsync();
        await using var redis = RedisProcess.WithTls(certificates.ServerCertificate, certificates.ServerKey, certificates.Ca);
        await redis.StartAsync();
        await using var source = new RedisSource(
            new RedisSourceOptions { Endpoint = redis.ConnectionString, Name = "cache", Tls = true }, new CollectorOptions());

        var e = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(0, ct));

        Assert.StartsWith($"Redis at {redis.ConnectionString} failed the TLS handshake (", e.Message);
    }

    private static async Task<RedisProcess> StartRedisAsync(params string[] serverArguments)
    {
        var redis = new RedisProcess(serverArguments);
        await redis.StartAsync();
        return redis;
    }

    private static RedisSource Source(RedisProcess redis, string? user = null, string? password = null) =>
        new(new RedisSourceOptions { Endpoint = redis.ConnectionString, Name = "cache", User = user, Password = password }, new CollectorOptions());

    /// <summary>
    /// The multiplexer reconnects on its own timer (at most an interval apart), so after a restart a
    /// poll may still find it disconnected; poll until one succeeds, for up to 30 s.
    /// </summary>
    private static async Task<IReadOnlyList<SeriesSample>> CollectOnceReconnectedAsync(RedisSource source, CancellationToken ct)
    {
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await source.CollectAsync(20_000, ct);
                return "a successful poll";
            }
            catch (SourceException e)
            {
                return e.Message;
            }
        }, outcome => outcome == "a successful poll", TimeSpan.FromSeconds(30), "a successful poll after the restart", ct);
        return await source.CollectAsync(30_000, ct);
    }
}
