using Microsoft.Extensions.Time.Testing;
using X0tta6bl4.Ops.Collector.Catalog;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>A real SQLite store in a temp folder, a fixed clock, and helpers to fill it with known numbers.</summary>
public sealed class OverviewFixture : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-dashboard-").FullName;

    public static readonly DateTimeOffset Now = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Now);

    public SourceStatusBoard Board { get; } = new();

    public SqliteMetricStore Store { get; private set; } = null!;

    public SeriesReader Reader => new(Store, Time);

    public OverviewQuery OverviewQuery() => new(Reader, Board);

    public TimeRange Range15m => TimeRange.Preset("15m", Time.GetUtcNow());

    public static async Task<OverviewFixture> CreateAsync()
    {
        var fixture = new OverviewFixture();
        fixture.Store = await SqliteMetricStore.OpenAsync(Path.Combine(fixture._dir, "metrics.db"));
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

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Task.Yield();
        Directory.Delete(_dir, recursive: true);
    }
}
