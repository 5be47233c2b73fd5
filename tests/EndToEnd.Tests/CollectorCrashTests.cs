using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>
/// The standalone collector SIGKILLed while its store's PostgreSQL is down, then started again and the store
/// brought back: every poll made before the kill reaches the store exactly once, counted against the scraped
/// target's own count of the scrapes it answered.
/// </summary>
public class CollectorCrashTests
{
    [Fact]
    public async Task CollectorKilledDuringAStoreOutage_AfterRestart_EverySampleCollectedBeforeTheKillArrivesOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = new PostgresProcess();
        await postgres.InitAndStartAsync();
        await using var target = await CountingTarget.StartAsync();
        var spool = Directory.CreateTempSubdirectory("x0-crash-spool-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["Sources__Scrape__IntervalSeconds"] = "1",
            ["Sources__Scrape__TimeoutSeconds"] = "1",
            ["Sources__Scrape__Targets__0__Name"] = "counted",
            ["Sources__Scrape__Targets__0__Url"] = target.Url,
            ["Sources__Prometheus__Url"] = "",
            ["Sources__Postgres__Connection"] = "",
            ["Sources__Redis__Endpoint"] = "",
            ["Alerts__Enabled"] = "false",
            ["Collector__SpoolPath"] = spool,
        };

        await using (var collector = await CollectorProcess.StartAsync("crashing", postgres.ConnectionString, settings, ct))
        {
            await Eventually.UntilAsync(() => target.Scrapes >= 3, TimeSpan.FromSeconds(30), "three scrapes with the store up", ct);
            await postgres.StopAsync();
            var atStop = target.Scrapes;
            await Eventually.UntilAsync(() => target.Scrapes >= atStop + 8, TimeSpan.FromSeconds(30), "eight scrapes with the store down", ct);
            await collector.KillAsync();
        }

        var killedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var scrapedBeforeKill = target.Scrapes;
        await postgres.StartAsync();
        Npgsql.NpgsqlConnection.ClearAllPools(); // this process's pooled connections died with the server
        await using var restarted = await CollectorProcess.StartAsync("crashing", postgres.ConnectionString, settings, ct);
        await using var store = await PostgresMetricStore.OpenAsync(postgres.ConnectionString, ct);

        async Task<double> StoredBeforeKillAsync()
        {
            var series = await store.QueryRangeAsync(new RangeQuery(new SeriesSelector(CanonicalSeries.SourceUp, new LabelMatcher("source", MatchOp.Equal, "scrape/counted")),
                killedAt - 3_600_000, killedAt, 3_600_001, Aggregation.Count), ct);
            return series.SelectMany(s => s.Points).Sum(p => p.Value);
        }

        // A scrape answered as the kill landed may not have reached the collector's spool: it was never collected.
        var stored = await Eventually.UntilAsync(StoredBeforeKillAsync, n => n >= scrapedBeforeKill - 1, TimeSpan.FromSeconds(60),
            $"the {scrapedBeforeKill} polls before the kill in the store", ct);
        // Given a few more seconds, a duplicate would show as more than the target answered.
        await Eventually.UntilAsync(async () => (await StoredBeforeKillAsync()) > scrapedBeforeKill || target.Scrapes >= scrapedBeforeKill + 5,
            TimeSpan.FromSeconds(30), "five more scrapes by the restarted collector", ct);
        stored = await StoredBeforeKillAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"scrapes answered before the kill: {scrapedBeforeKill}; source_up samples stored from before it: {stored}");

        Assert.InRange(stored, scrapedBeforeKill - 1, scrapedBeforeKill);
        Assert.Contains("Replaying", restarted.Output);
        Directory.Delete(spool, recursive: true);
    }

    /// <summary>A /metrics endpoint on loopback that counts the scrapes it answers.</summary>
    private sealed class CountingTarget : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _scrapes;

        private CountingTarget(WebApplication app) => _app = app;

        public int Scrapes => Volatile.Read(ref _scrapes);

        public string Url => _app.Urls.First() + "/metrics";

        public static async Task<CountingTarget> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var target = new CountingTarget(app);
            app.MapGet("/metrics", () =>
            {
                var n = Interlocked.Increment(ref target._scrapes);
                return Results.Text($"# TYPE counted_scrapes_total counter\ncounted_scrapes_total {n}\n", "text/plain; version=0.0.4");
            });
            await app.StartAsync();
            return target;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
