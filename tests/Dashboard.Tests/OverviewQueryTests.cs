using X0tta6bl4.Ops.Dashboard.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests;

public class OverviewQueryTests
{
    [Fact]
    public async Task Load_WithData_GivesTilesWithValuesStatusAndFreshness()
    {
        await using var fixture = await StoreFixture.CreateAsync();
        await fixture.WriteApiAsync();

        var model = await fixture.OverviewQuery().LoadAsync(null, fixture.Range15m, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("api", model.Job);
        Assert.Equal("scrape", model.Source);
        var tiles = model.Tiles.ToDictionary(t => t.Id);
        Assert.Equal(20, tiles["rps"].Value);
        Assert.Equal(0.1, tiles["errors"].Value!.Value, 12);
        Assert.Equal(TileStatus.Breach, tiles["errors"].Status);
        Assert.Equal("250 ms", tiles["p95"].Display);
        Assert.Equal(TileStatus.Breach, tiles["p95"].Status);
        Assert.Equal("320 ms", tiles["p99"].Display);
        Assert.Equal(TileStatus.Ok, tiles["p99"].Status);
        Assert.Equal("12 s ago", tiles["p95"].Freshness);
        Assert.Equal("200.0 MiB", tiles["memory"].Display);
        Assert.Equal("120 m", tiles["cpu"].Display);
        Assert.Equal(0.25, tiles["pool"].Value);
        Assert.Equal("25.00 % (5/20)", tiles["pool"].Display);
        Assert.Equal(0.97, tiles["db-hit"].Value);
        Assert.Equal(TileStatus.Ok, tiles["db-hit"].Status);
        Assert.Equal(TileStatus.Breach, tiles["redis-hit"].Status);
    }

    [Fact]
    public async Task Load_APushedJob_SaysItCameByRemoteWrite_NotByADirectScrape()
    {
        await using var fixture = await StoreFixture.CreateAsync();
        var t = StoreFixture.Now.ToUnixTimeMilliseconds() - 12_000;
        X0tta6bl4.Ops.Metrics.Model.SeriesKey Pushed(string name, params (string, string)[] labels) =>
            X0tta6bl4.Ops.Metrics.Model.SeriesKey.Of(name, [.. labels, ("job", "pushed"), ("pod", "10.0.0.1:8080"), ("source", "remote-write")]);
        await fixture.Store.WriteAsync(
        [
            new(Pushed(X0tta6bl4.Ops.Metrics.Catalog.CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), t, 12),
            new(Pushed(X0tta6bl4.Ops.Metrics.Catalog.CanonicalSeries.PodMemoryBytes), t, 100 << 20),
        ], TestContext.Current.CancellationToken);

        var model = await fixture.OverviewQuery().LoadAsync("pushed", fixture.Range15m, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("remote-write", model.Source);
        var tiles = model.Tiles.ToDictionary(t => t.Id);
        Assert.EndsWith("Prometheus remote write.", tiles["rps"].HowComputed);
        Assert.DoesNotContain("direct scrape", tiles["rps"].HowComputed);
        Assert.Contains("Prometheus remote write", tiles["memory"].HowComputed);
    }

    [Fact]
    public async Task Load_ChartLines_HaveGapsAsNullNotZero()
    {
        await using var fixture = await StoreFixture.CreateAsync();
        await fixture.WriteApiAsync();

        var model = await fixture.OverviewQuery().LoadAsync("api", fixture.Range15m, cancellationToken: TestContext.Current.CancellationToken);

        var p99 = model.Latency.Single(l => l.Name == "p99");
        Assert.Equal(2, p99.Y.Count(v => v is not null)); // two samples, a minute apart
        Assert.True(p99.Y.Count(v => v is null) > 20);   // the rest of 15 minutes is a gap
        Assert.DoesNotContain(0.0, p99.Y.Where(v => v is not null).Select(v => v!.Value));
        Assert.Contains(320.0, p99.Y.Where(v => v is not null).Select(v => Math.Round(v!.Value, 6)));
    }

    [Fact]
    public async Task Load_OldData_IsMarkedStale()
    {
        await using var fixture = await StoreFixture.CreateAsync();
        await fixture.WriteApiAsync(ageMs: 5 * 60_000);

        var model = await fixture.OverviewQuery().LoadAsync(null, fixture.Range15m, cancellationToken: TestContext.Current.CancellationToken);

        Assert.All(model.Tiles, t => Assert.Equal(TileStatus.Stale, t.Status));
        Assert.Equal(10, model.Tiles.Count);
        Assert.Equal("5 min ago", model.Tiles[0].Freshness);
    }

    [Fact]
    public async Task Load_NoData_HasNoJobAndNoTiles()
    {
        await using var fixture = await StoreFixture.CreateAsync();

        var model = await fixture.OverviewQuery().LoadAsync(null, fixture.Range15m, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(model.Job);
        // Only the hit-ratio tiles, which do not belong to a service, and they say "no data".
        Assert.All(model.Tiles, t => Assert.Equal(TileStatus.Missing, t.Status));
        Assert.All(model.Tiles, t => Assert.Equal("no data", t.Display));
    }


}
