using X0tta6bl4.Ops.Tests;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>The collector state tables, the same on both providers: source states, Prometheus snapshots, leases, instances.</summary>
public abstract class CollectorStateStoreTests(ITestDatabase test) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);

    private SqlDatabase Database => test.Database;

    public ValueTask InitializeAsync() => test.InitializeAsync();

    public ValueTask DisposeAsync() => test.DisposeAsync();

    private async Task<SqlCollectorStateStore> OpenAsync()
    {
        var store = new SqlCollectorStateStore(Database);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        await store.MigrateAsync(TestContext.Current.CancellationToken); // twice: opening again changes nothing
        return store;
    }

    [Fact]
    public async Task RecordPoll_Warnings_AreCurrentForThatPollOnly_AndTheLastPartialPollIsRemembered()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        SourceStatus Poll(DateTimeOffset at, params string[] warnings) =>
            new SourceStatus("prometheus", "http://mimir:8080/prometheus", SourceState.Up, at, at, null, TimeSpan.FromMilliseconds(80), 70)
            {
                Interval = TimeSpan.FromSeconds(15),
                Warnings = warnings,
            };

        await store.RecordPollAsync(Poll(T0, "store a down (41 of 41 queries, for api_latency_seconds)", "partial response"), ct);
        var partial = (await store.SourcesAsync(ct)).Single();
        await store.RecordPollAsync(Poll(T0.AddSeconds(15)), ct);
        var complete = (await store.SourcesAsync(ct)).Single();

        Assert.True(partial.Partial);
        Assert.Equal(["store a down (41 of 41 queries, for api_latency_seconds)", "partial response"], partial.Warnings);
        Assert.Equal(T0, partial.LastWarningAt);
        Assert.False(complete.Partial);
        Assert.Empty(complete.Warnings);
        Assert.Equal(T0, complete.LastWarningAt);
    }

    [Fact]
    public async Task Lease_IsHeldByOneHolderUntilItRunsOut_ThenTakenOver()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var ttl = TimeSpan.FromSeconds(10);

        var a = await store.TryLeaseAsync("redis/redis", "a", T0, T0 + ttl, ct);
        var bWhileHeld = await store.TryLeaseAsync("redis/redis", "b", T0.AddSeconds(5), T0.AddSeconds(5) + ttl, ct);
        var aRenews = await store.TryLeaseAsync("redis/redis", "a", T0.AddSeconds(6), T0.AddSeconds(6) + ttl, ct);
        var bBeforeRenewedExpiry = await store.TryLeaseAsync("redis/redis", "b", T0.AddSeconds(12), T0.AddSeconds(12) + ttl, ct);
        var bAfterExpiry = await store.TryLeaseAsync("redis/redis", "b", T0.AddSeconds(17), T0.AddSeconds(17) + ttl, ct);
        var aLostIt = await store.TryLeaseAsync("redis/redis", "a", T0.AddSeconds(18), T0.AddSeconds(18) + ttl, ct);

        Assert.Equal([true, false, true, false, true, false], new[] { a, bWhileHeld, aRenews, bBeforeRenewedExpiry, bAfterExpiry, aLostIt });
    }

    [Fact]
    public async Task Lease_ManyHoldersAtOnce_ExactlyOneWins()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();

        var tries = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.TryLeaseAsync("job/alerts", $"c{i}", T0, T0.AddSeconds(10), ct)));

        Assert.Equal(1, tries.Count(won => won));
    }

    [Fact]
    public async Task ReleaseAll_FreesTheHoldersLeasesAtOnce_AndInstancesListWhatEachHolds()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        await store.HeartbeatAsync("a", T0, T0, ct);
        await store.HeartbeatAsync("b", T0, T0, ct);
        await store.TryLeaseAsync("scrape/api", "a", T0, T0.AddSeconds(10), ct);
        await store.TryLeaseAsync("redis/redis", "a", T0, T0.AddSeconds(10), ct);
        var before = await store.InstancesAsync(T0.AddMinutes(-1), T0, ct);

        await store.ReleaseAllAsync("a", ct);
        var taken = await store.TryLeaseAsync("redis/redis", "b", T0.AddSeconds(1), T0.AddSeconds(11), ct);
        var after = await store.InstancesAsync(T0.AddMinutes(-1), T0.AddSeconds(1), ct);

        Assert.Equal(["redis/redis", "scrape/api"], before.Single(i => i.Name == "a").Holds);
        Assert.Empty(before.Single(i => i.Name == "b").Holds);
        Assert.True(taken);
        Assert.Empty(after.Single(i => i.Name == "a").Holds);
        Assert.Equal(["redis/redis"], after.Single(i => i.Name == "b").Holds);
    }

    [Fact]
    public async Task SourcePolls_AFailureKeepsTheLastSuccess_AndAnOldRowReadsAsStale()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        await store.RegisterSourceAsync("redis/redis", "127.0.0.1:6379", TimeSpan.FromSeconds(15), ct);
        var registered = (await store.SourcesAsync(ct)).Single();
        await store.RecordPollAsync(new SourceStatus("redis/redis", "127.0.0.1:6379", SourceState.Up, T0, T0, null, TimeSpan.FromMilliseconds(3), 42) { Interval = TimeSpan.FromSeconds(15), Collector = "a" }, ct);
        await store.RecordPollAsync(new SourceStatus("redis/redis", "127.0.0.1:6379", SourceState.Down, T0.AddSeconds(15), null, "Connection refused", TimeSpan.FromMilliseconds(1), 0) { Interval = TimeSpan.FromSeconds(15), Collector = "b" }, ct);
        await store.RegisterSourceAsync("redis/redis", "127.0.0.1:6379", TimeSpan.FromSeconds(15), ct); // a collector restarting
        var down = (await store.SourcesAsync(ct)).Single();

        Assert.Equal(SourceState.Unknown, registered.State);
        Assert.Equal(SourceState.Down, down.State);
        Assert.Equal(T0, down.LastSuccess);
        Assert.Equal(T0.AddSeconds(15), down.LastAttempt);
        Assert.Equal(42, down.SeriesWritten);
        Assert.Equal("Connection refused", down.LastError);
        Assert.Equal("b", down.Collector);
        Assert.Equal(SourceState.Down, down.AsOf(T0.AddSeconds(60)).State);   // three intervals after the last poll
        Assert.Equal(SourceState.Stale, down.AsOf(T0.AddSeconds(61)).State);
    }

    [Fact]
    public async Task PrometheusSnapshots_RoundTrip_AndAreNullBeforeTheFirst()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var none = await store.TargetsAsync(ct);
        var targets = new PrometheusTargets(T0, [new PromTarget("api", "127.0.0.1:1", "http://127.0.0.1:1/metrics", "down", "connection refused", T0.AddSeconds(-2), 0.004)]);
        var alerts = new PrometheusAlerts(T0, [new PromAlert("ApiDown", "firing", [new Model.Label("job", "api")], T0.AddMinutes(-1), "the api is down")],
            [new PromRule("x0", "ApiDown", "alerting", "ok", null, "up == 0", 60)]);

        await store.PublishTargetsAsync(targets, "a", ct);
        await store.PublishAlertsAsync(alerts, "a", ct);
        var readTargets = (await store.TargetsAsync(ct))!;
        var readAlerts = (await store.PrometheusAlertsAsync(ct))!;

        Assert.Null(none);
        Assert.Equal(T0, readTargets.ReadAt);
        Assert.Equal(targets.Targets, readTargets.Targets);
        Assert.Equal(alerts.Rules, readAlerts.Rules);
        Assert.Equal(alerts.Alerts[0].Labels, readAlerts.Alerts[0].Labels);
        Assert.Equal("the api is down", readAlerts.Alerts[0].Summary);
    }
}

public sealed class SqliteCollectorStateStoreTests() : CollectorStateStoreTests(new SqliteTestDatabase());

public sealed class PostgresCollectorStateStoreTests() : CollectorStateStoreTests(new PostgresTestDatabase());
