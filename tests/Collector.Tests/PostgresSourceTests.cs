using Npgsql;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Collector.Sources.Postgres;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

public class PostgresSourceTests
{
    private static double Value(IReadOnlyList<SeriesSample> samples, string name, params (string, string)[] labels) =>
        samples.Single(s => s.Key.Name == name && labels.All(l => s.Key[l.Item1] == l.Item2)).Value;

    private static PostgresStatistics Stats(long commits, long hit, long read, long calls = 0, double totalMs = 0) => new(
        [new ActivityRow("app", "web", "active", 3, 1), new ActivityRow("app", "web", "idle", 5, 0)],
        12.5, null, 100,
        [new DatabaseRow("app", commits, 2, 0, 0, 0, 0, 0, 1, 0, 0, hit, read, 8_000_000)],
        "app", 40_000, [new StatementRow(42, "SELECT * FROM nodes WHERE id = $1", calls, totalMs)],
        0, [], [], null);

    [Fact]
    public void Derive_TwoReadings_GiveRatesWindowedHitRatioAndStatementMeans()
    {
        var derivation = new PostgresDerivation("main", TimeSpan.FromMinutes(1));
        derivation.Derive(Stats(commits: 100, hit: 1000, read: 1000, calls: 10, totalMs: 50), 0);

        // 10 s later: +50 commits; +95 hits and +5 reads; +20 calls taking +60 ms.
        var samples = derivation.Derive(Stats(150, 1095, 1005, 30, 110), 10_000);

        Assert.Equal(5, Value(samples, PostgresSeries.CommitsPerSecond, ("database", "app")), 12);
        Assert.Equal(0.95, Value(samples, PostgresSeries.CacheHitRatio, ("database", "app")), 12);
        Assert.Equal(2, Value(samples, PostgresSeries.StatementCallsPerSecond, ("queryid", "42")), 12);
        Assert.Equal(0.003, Value(samples, PostgresSeries.StatementMeanSeconds, ("queryid", "42")), 12);
        Assert.Equal(3, Value(samples, PostgresSeries.Connections, ("state", "active")));
        Assert.Equal(1, Value(samples, PostgresSeries.WaitingSessions, ("database", "app")));
        Assert.Equal(0, Value(samples, PostgresSeries.LongestQuerySeconds)); // none active: a true zero
    }

    [Fact]
    public void Derive_StatementNewToTheTopList_GetsNoRateUntilItHasTwoReadings()
    {
        var derivation = new PostgresDerivation("main", TimeSpan.FromMinutes(1));
        var before = Stats(100, 1000, 10) with { Statements = [] };
        derivation.Derive(before, 0);

        // Statement 42 has run 5,000 times in its life; it is new to the list, not 500 calls/s.
        var samples = derivation.Derive(Stats(100, 1000, 10, calls: 5000, totalMs: 900), 10_000);

        Assert.DoesNotContain(samples, s => s.Key.Name == PostgresSeries.StatementCallsPerSecond);
        Assert.DoesNotContain(samples, s => s.Key.Name == PostgresSeries.StatementMeanSeconds);
        Assert.Equal(0.9, Value(samples, PostgresSeries.StatementTotalSeconds, ("queryid", "42")), 12);
    }

    [Fact]
    public void Derive_NoBlocksReadInWindow_GivesNoHitRatio()
    {
        var derivation = new PostgresDerivation("main", TimeSpan.FromMinutes(1));
        derivation.Derive(Stats(100, 1000, 10), 0);

        var samples = derivation.Derive(Stats(100, 1000, 10), 10_000);

        Assert.DoesNotContain(samples, s => s.Key.Name == PostgresSeries.CacheHitRatio);
    }

    [Fact]
    public void Derive_StatsReset_CountsFromTheReset()
    {
        var derivation = new PostgresDerivation("main", TimeSpan.FromMinutes(1));
        derivation.Derive(Stats(100_000, 900_000, 100_000), 0);

        var samples = derivation.Derive(Stats(20, 80, 20), 10_000);

        Assert.Equal(2, Value(samples, PostgresSeries.CommitsPerSecond, ("database", "app")), 12);
        Assert.Equal(0.8, Value(samples, PostgresSeries.CacheHitRatio, ("database", "app")), 12);
    }

    [Fact]
    public async Task StackPostgres_UnderAPgMonitorOnlyRole_ReadsActivityRatesAndLongTransactions()
    {
        var ct = TestContext.Current.CancellationToken;
        var admin = new NpgsqlConnectionStringBuilder(StackEnvironment.PostgresConnection);
        var role = "x0_monitor_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE ROLE {role} LOGIN IN ROLE pg_monitor", connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        try
        {
            var source = new PostgresSource(
                new PostgresSourceOptions { Connection = new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Username = role }.ConnectionString, Name = "stack" },
                new CollectorOptions());
            await source.CollectAsync(0, ct);

            // A transaction held open for over a second, and some work for the counters.
            await using var holder = new NpgsqlConnection(admin.ConnectionString);
            await holder.OpenAsync(ct);
            await using var transaction = await holder.BeginTransactionAsync(ct);
            await using (var work = new NpgsqlCommand("SELECT count(*) FROM pg_class", holder, transaction))
            {
                await work.ExecuteScalarAsync(ct);
            }

            // Polled until the open transaction is a second old by the server's clock.
            var at = 10_000L;
            var samples = await Eventually.UntilAsync(() => source.CollectAsync(at += 1000, ct), s => Value(s, PostgresSeries.LongestTransactionSeconds) >= 1.0,
                TimeSpan.FromSeconds(10), "the open transaction to reach a second", ct);
            await transaction.RollbackAsync(ct);

            var database = admin.Database!;
            Assert.True(Value(samples, PostgresSeries.LongestTransactionSeconds) >= 1.0);
            Assert.Equal(200, Value(samples, PostgresSeries.MaxConnections)); // scripts/stack sets max_connections=200
            Assert.Contains(samples, s => s.Key.Name == PostgresSeries.Connections && s.Key["database"] == database && s.Key["user"] == role);
            Assert.True(Value(samples, PostgresSeries.SizeBytes, ("database", database)) > 1_000_000);
            Assert.Contains(samples, s => s.Key.Name == PostgresSeries.CommitsPerSecond && s.Key["database"] == database && s.Value > 0);
            Assert.Contains(samples, s => s.Key.Name == PostgresSeries.StatementTotalSeconds); // pg_stat_statements is on in the stack
            Assert.All(samples, s => Assert.Equal("stack", s.Key["instance"]));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync(ct);
            await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {role}", connection);
            await drop.ExecuteNonQueryAsync(ct);
        }
    }

    [Fact]
    public void Derive_LockWaitUnknownBeforePostgres14_GivesNoSample()
    {
        var samples = new PostgresDerivation("main", TimeSpan.FromMinutes(1)).Derive(Stats(1, 1, 1), 0);

        Assert.DoesNotContain(samples, s => s.Key.Name == PostgresSeries.LongestLockWaitSeconds);
        Assert.Equal(4.5, Value(new PostgresDerivation("main", TimeSpan.FromMinutes(1)).Derive(Stats(1, 1, 1) with { LongestLockWaitSeconds = 4.5 }, 0),
            PostgresSeries.LongestLockWaitSeconds));
    }

    [Fact]
    public async Task StackPostgres_SessionWaitingOnALock_GivesItsWaitTime()
    {
        var ct = TestContext.Current.CancellationToken;
        var connection = StackEnvironment.PostgresConnection;
        var source = new PostgresSource(new PostgresSourceOptions { Connection = connection, Name = "stack" }, new CollectorOptions());
        var key = Random.Shared.NextInt64(1, long.MaxValue); // an advisory lock no other test takes

        await using var holder = new NpgsqlConnection(connection);
        await holder.OpenAsync(ct);
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({key})", holder))
        {
            await take.ExecuteNonQueryAsync(ct);
        }

        await using var waiter = new NpgsqlConnection(connection);
        await waiter.OpenAsync(ct);
        await using var wait = new NpgsqlCommand($"SELECT pg_advisory_lock({key})", waiter);
        var waiting = wait.ExecuteNonQueryAsync(ct);
        try
        {
            var at = 0L;
            var samples = await Eventually.UntilAsync(() => source.CollectAsync(at += 1000, ct),
                s => s.Any(x => x.Key.Name == PostgresSeries.LongestLockWaitSeconds && x.Value >= 1.0),
                TimeSpan.FromSeconds(10), "the lock wait to reach a second", ct);

            Assert.True(samples.Where(s => s.Key.Name == PostgresSeries.WaitingSessions).Sum(s => s.Value) >= 1);
        }
        finally
        {
            await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({key})", holder))
            {
                await release.ExecuteNonQueryAsync(ct);
            }

            await waiting;
        }

        var after = await source.CollectAsync(100_000, ct);
        Assert.Contains(after, s => s.Key.Name == PostgresSeries.LongestLockWaitSeconds);
    }

    [Fact]
    public async Task RealPostgres_StoppedAndRestarted_FailsClearlyThenRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = new PostgresProcess();
        await postgres.InitAndStartAsync();
        var source = new PostgresSource(new PostgresSourceOptions { Connection = postgres.ConnectionString, Name = "own" }, new CollectorOptions());
        var first = await source.CollectAsync(0, ct);

        await postgres.StopAsync();
        var down = await Assert.ThrowsAsync<SourceException>(() => source.CollectAsync(10_000, ct));
        await postgres.StartAsync();
        var again = await source.CollectAsync(20_000, ct);

        Assert.Contains(first, s => s.Key.Name == PostgresSeries.MaxConnections);
        Assert.Contains($"127.0.0.1:{postgres.Port}", down.Message);
        Assert.Contains(again, s => s.Key.Name == PostgresSeries.MaxConnections);
    }

    [Fact]
    public async Task RealStandby_Streaming_LagIsANumber_AndOnceStopped_NoLagIsReported()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var primary = new PostgresProcess();
        await primary.InitAndStartAsync();
        await using var standby = await PostgresProcess.StandbyOfAsync(primary, "test-standby");
        await using var source = new PostgresSource(new PostgresSourceOptions { Connection = primary.ConnectionString, Name = "primary" }, new CollectorOptions());
        var t = 0L;
        async Task<double?> LagAsync()
        {
            var samples = await source.CollectAsync(t += 10_000, ct);
            return samples.Where(s => s.Key.Name == PostgresSeries.ReplicationLagSeconds && s.Key["replica"] == "test-standby").Select(s => (double?)s.Value).FirstOrDefault();
        }

        // An idle primary: the standby catches up and replay_lag turns NULL; caught up is a lag of 0 s, still a number.
        var lag = await Eventually.UntilAsync(LagAsync, l => l is not null, TimeSpan.FromSeconds(30), "the standby's replay lag from the primary", ct);
        await standby.StopAsync();
        var afterStop = await Eventually.UntilAsync(LagAsync, l => l is null, TimeSpan.FromSeconds(30), "no lag reported once the standby stopped", ct);

        Assert.InRange(lag!.Value, 0, 30);
        Assert.Null(afterStop);                                          // not measured, never a 0
    }
}
