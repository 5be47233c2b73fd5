using Microsoft.Extensions.Time.Testing;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>A real SQLite store in a temp folder, a fixed clock, and helpers to fill it with known numbers.</summary>
public sealed class StoreFixture : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-dashboard-").FullName;

    /// <summary>The SQLite file every table of the fixture lives in.</summary>
    public string StorePath => Path.Combine(_dir, "metrics.db");

    public static readonly DateTimeOffset Now = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Now);

    public SqliteMetricStore Store { get; private set; } = null!;

    public X0tta6bl4.Ops.Metrics.Alerts.SqlAlertStore Alerts { get; private set; } = null!;

    /// <summary>What the collector delivered to Alertmanagers, in the same file.</summary>
    public X0tta6bl4.Ops.Metrics.Alerts.SqlAlertDeliveryStore Deliveries { get; private set; } = null!;

    public X0tta6bl4.Ops.Metrics.Settings.SqlSettingsStore Settings { get; private set; } = null!;

    /// <summary>The collector state tables (sources, Prometheus snapshots, instances) in the same file.</summary>
    public SqlCollectorStateStore State { get; private set; } = null!;

    /// <summary>The load-run tables in the same file.</summary>
    public X0tta6bl4.Ops.Metrics.LoadRuns.SqlLoadRunStore LoadRuns { get; private set; } = null!;

    public SeriesReader Reader => new(Store, Time);

    /// <summary>The SLA targets in force: the seed's defaults (section "Sla" empty) and what operators saved.</summary>
    public X0tta6bl4.Ops.Metrics.Settings.SlaTargets SlaTargets =>
        new(Microsoft.Extensions.Options.Options.Create(new X0tta6bl4.Ops.Metrics.Settings.SlaOptions()), Settings);

    public OverviewQuery OverviewQuery() => new(Reader, State, Alerts, SlaTargets);

    /// <summary>A poll of a source as a collector records it.</summary>
    public Task RecordPollAsync(string name, string endpoint, DateTimeOffset at, string? error, TimeSpan? interval = null) =>
        State.RecordPollAsync(new SourceStatus(name, endpoint, error is null ? SourceState.Up : SourceState.Down, at, error is null ? at : null, error, TimeSpan.FromMilliseconds(2), error is null ? 10 : 0)
        {
            Interval = interval ?? TimeSpan.FromSeconds(15),
            Collector = "test-collector",
        }, CancellationToken.None);

    public TimeRange Range15m => TimeRange.Preset("15m", Time.GetUtcNow());

    public static async Task<StoreFixture> CreateAsync()
    {
        var fixture = new StoreFixture();
        fixture.Store = await SqliteMetricStore.OpenAsync(Path.Combine(fixture._dir, "metrics.db"));
        fixture.Alerts = await X0tta6bl4.Ops.Metrics.Alerts.SqlAlertStore.OpenSqliteAsync(Path.Combine(fixture._dir, "metrics.db"));
        fixture.Settings = await X0tta6bl4.Ops.Metrics.Settings.SqlSettingsStore.OpenSqliteAsync(Path.Combine(fixture._dir, "metrics.db"));
        fixture.Deliveries = new X0tta6bl4.Ops.Metrics.Alerts.SqlAlertDeliveryStore(X0tta6bl4.Ops.Metrics.Store.SqlDatabase.Sqlite(Path.Combine(fixture._dir, "metrics.db")));
        await fixture.Deliveries.MigrateAsync(CancellationToken.None);
        fixture.State = new SqlCollectorStateStore(X0tta6bl4.Ops.Metrics.Store.SqlDatabase.Sqlite(Path.Combine(fixture._dir, "metrics.db")));
        await fixture.State.MigrateAsync(CancellationToken.None);
        fixture.LoadRuns = new X0tta6bl4.Ops.Metrics.LoadRuns.SqlLoadRunStore(X0tta6bl4.Ops.Metrics.Store.SqlDatabase.Sqlite(Path.Combine(fixture._dir, "metrics.db")));
        await fixture.LoadRuns.MigrateAsync(CancellationToken.None);
        return fixture;
    }

    /// <summary>
    /// The api job from the direct scrape, written 12 s before now: p50 40 ms, p95 250 ms (breaches 200), p99 320 ms,
    /// 18 + 2 req/s (10 % 5xx), pool 5 of 20, DB hit ratio 97 %, Redis hit ratio 85 % (below 90 %).
    /// </summary>
    public async Task WriteApiAsync(long ageMs = 12_000)
    {
        var t = Now.ToUnixTimeMilliseconds() - ageMs;
        SeriesKey Key(string name, params (string, string)[] labels) =>
            SeriesKey.Of(name, labels.Append(("job", "api")).Append(("source", "scrape")).ToArray());
        await Store.WriteAsync(
        [
            new(Key(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.5")), t, 0.040),
            new(Key(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.95")), t, 0.250),
            new(Key(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.99")), t, 0.320),
            new(Key(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.99")), t - 60_000, 0.300),
            new(Key(CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), t, 18),
            new(Key(CanonicalSeries.ApiRequestsPerSecond, ("class", "5xx")), t, 2),
            new(Key(CanonicalSeries.PodCpuMillicores, ("pod", "127.0.0.1:58080")), t, 120),
            new(Key(CanonicalSeries.PodMemoryBytes, ("pod", "127.0.0.1:58080")), t, 200 * 1024 * 1024),
            new(Key(CanonicalSeries.DbPoolConnections, ("pod", "127.0.0.1:58080"), ("state", "busy")), t, 5),
            new(Key(CanonicalSeries.DbPoolMaxConnections, ("pod", "127.0.0.1:58080")), t, 20),
            new(SeriesKey.Of(PostgresSeries.CacheHitRatio, ("database", "x0tta6bl4"), ("instance", "postgres"), ("source", "postgres")), t, 0.97),
            new(SeriesKey.Of(PostgresSeries.CommitsPerSecond, ("database", "x0tta6bl4"), ("instance", "postgres"), ("source", "postgres")), t, 40),
            new(SeriesKey.Of(RedisSeries.HitRatio, ("instance", "redis"), ("source", "redis")), t, 0.85),
        ]);
    }

    public SeriesKey Pg(string name, params (string, string)[] labels) => SeriesKey.Of(name, [.. labels, ("instance", "postgres"), ("source", "postgres")]);

    public SeriesKey Redis(string name, params (string, string)[] labels) => SeriesKey.Of(name, [.. labels, ("instance", "redis"), ("source", "redis")]);

    /// <summary>PostgreSQL 12 s ago (the application's database x0tta6bl4, 12 MiB, beside the server's postgres, 20 MiB): 3 active + 5 idle sessions of 100, a 75 s transaction, 95 % hit ratio, one statement at 2 ms mean.</summary>
    public async Task WritePostgresAsync()
    {
        var t = Now.ToUnixTimeMilliseconds() - 12_000;
        await Store.WriteAsync(
        [
            new(Pg(PostgresSeries.Connections, ("database", "x0tta6bl4"), ("user", "app"), ("state", "active")), t, 3),
            new(Pg(PostgresSeries.Connections, ("database", "x0tta6bl4"), ("user", "app"), ("state", "idle")), t, 5),
            new(Pg(PostgresSeries.WaitingSessions, ("database", "x0tta6bl4")), t, 1),
            new(Pg(PostgresSeries.MaxConnections), t, 100),
            new(Pg(PostgresSeries.LongestTransactionSeconds), t, 75),
            new(Pg(PostgresSeries.LongestQuerySeconds), t, 0.5),
            new(Pg(PostgresSeries.CommitsPerSecond, ("database", "x0tta6bl4")), t, 42),
            new(Pg(PostgresSeries.RollbacksPerSecond, ("database", "x0tta6bl4")), t, 0.5),
            // A millisecond after WriteApiAsync's 97 %, which is the same series: the store keeps one sample per timestamp.
            new(Pg(PostgresSeries.CacheHitRatio, ("database", "x0tta6bl4")), t + 1, 0.95),
            new(Pg(PostgresSeries.SizeBytes, ("database", "x0tta6bl4")), t - 300_000, 10 * 1024 * 1024),
            new(Pg(PostgresSeries.SizeBytes, ("database", "x0tta6bl4")), t, 12 * 1024 * 1024),
            // The server's own database, bigger than the application's: never its "Data Size", never added to it.
            new(Pg(PostgresSeries.SizeBytes, ("database", "postgres")), t, 20 * 1024 * 1024),
            // The source measures indexes of its own database only: this names the application's database.
            new(Pg(PostgresSeries.IndexSizeBytes, ("database", "x0tta6bl4")), t, 3 * 1024 * 1024),
            // A standby streaming now, and one that stopped five minutes ago (its last lag is no lag of now).
            new(Pg(PostgresSeries.ReplicationLagSeconds, ("replica", "standby")), t, 1.5),
            new(Pg(PostgresSeries.ReplicationLagSeconds, ("replica", "gone")), t - 300_000, 40),
            new(Pg(PostgresSeries.StatementTotalSeconds, ("queryid", "7"), ("query", "SELECT * FROM nodes WHERE id = $1")), t, 12),
            new(Pg(PostgresSeries.StatementCallsPerSecond, ("queryid", "7"), ("query", "SELECT * FROM nodes WHERE id = $1")), t, 30),
            new(Pg(PostgresSeries.StatementMeanSeconds, ("queryid", "7"), ("query", "SELECT * FROM nodes WHERE id = $1")), t, 0.002),
            new(Pg(PostgresSeries.DeadTuples, ("table", "public.nodes")), t, 1234),
        ]);
    }

    /// <summary>Redis 12 s ago with maxmemory 0 (no limit): 5 MiB used, 80 % hit ratio, GET at 12 calls/s and 8.5 µs mean.</summary>
    public async Task WriteRedisAsync()
    {
        var t = Now.ToUnixTimeMilliseconds() - 12_000;
        await Store.WriteAsync(
        [
            new(Redis(RedisSeries.Info, ("version", "7.0.15"), ("role", "master"), ("mode", "standalone"), ("policy", "allkeys-lru")), t, 1),
            new(Redis(RedisSeries.MemoryUsedBytes), t, 5 * 1024 * 1024),
            new(Redis(RedisSeries.MemoryLimited), t, 0),
            new(Redis(RedisSeries.HitRatio), t, 0.8),
            new(Redis(RedisSeries.OpsPerSecond), t, 150),
            new(Redis(RedisSeries.EvictedKeysPerSecond), t, 0),
            new(Redis(RedisSeries.ExpiredKeysPerSecond), t, 2),
            new(Redis(RedisSeries.ConnectedClients), t, 4),
            new(Redis(RedisSeries.BlockedClients), t, 0),
            new(Redis(RedisSeries.AofEnabled), t, 0),
            new(Redis(RedisSeries.CommandCallsPerSecond, ("command", "get")), t, 12),
            new(Redis(RedisSeries.CommandMeanSeconds, ("command", "get")), t, 8.5e-6),
            new(Redis(RedisSeries.CommandLatencySeconds, ("command", "get"), ("quantile", "0.99")), t, 16e-6),
        ]);
    }

    /// <summary>Per-endpoint figures for the api job and a pod start time that changed once (a restart).</summary>
    public async Task WriteEndpointsAndRestartAsync()
    {
        var t = Now.ToUnixTimeMilliseconds() - 12_000;
        SeriesKey Key(string name, params (string, string)[] labels) =>
            SeriesKey.Of(name, labels.Append(("job", "api")).Append(("source", "scrape")).ToArray());
        await Store.WriteAsync(
        [
            new(Key(CanonicalSeries.ApiEndpointRequestsPerSecond, ("endpoint", "/api/v1/nodes/{nodeId:guid}"), ("class", "2xx")), t, 9),
            new(Key(CanonicalSeries.ApiEndpointRequestsPerSecond, ("endpoint", "/api/v1/nodes/{nodeId:guid}"), ("class", "5xx")), t, 1),
            new(Key(CanonicalSeries.ApiEndpointLatencySeconds, ("endpoint", "/api/v1/nodes/{nodeId:guid}"), ("quantile", "0.95")), t, 0.0123),
            new(Key(CanonicalSeries.ApiEndpointRequestsPerSecond, ("endpoint", "/health"), ("class", "2xx")), t, 2),
            new(Key(CanonicalSeries.PodStartTimeSeconds, ("pod", "127.0.0.1:58080")), t - 400_000, 1_700_000_000),
            new(Key(CanonicalSeries.PodStartTimeSeconds, ("pod", "127.0.0.1:58080")), t, 1_700_000_500),
        ]);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Task.Yield();
        Directory.Delete(_dir, recursive: true);
    }
}
