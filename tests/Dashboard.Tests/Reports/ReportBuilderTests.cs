using X0tta6bl4.Ops.Dashboard.Reports;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Dashboard.Tests.Reports;

/// <summary>The report over known store contents: every figure below is worked out by hand in its comment.</summary>
public class ReportBuilderTests
{
    private static double Value(ReportModel model, string id) =>
        model.FigureById(id)?.Value ?? throw new Xunit.Sdk.XunitException($"{id} is not measured");

    [Fact]
    public async Task Api_OverADayWithAGap_GivesTheHandWorkedFigures()
    {
        await using var f = await ReportFixture.CreateAsync();
        await f.WriteTwoDaysAsync();

        var model = await f.Builder().BuildAsync(ReportFixture.DayRequest(), TestContext.Current.CancellationToken);

        Assert.Equal("api", model.Job);
        Assert.Equal(600_000, model.Window.StepMs);
        Assert.Equal(ReportFixture.Day.AddDays(1).AddMilliseconds(-1), model.Window.To); // a custom window ending on a step boundary ends there
        // 1,320 polls (the day's 1,440 minutes less the 120 of the gap), each 60 s of 10 req/s.
        Assert.Equal(1320 * 60 * 10, Value(model, "api.requests"));
        Assert.Equal(10, Value(model, "api.throughput.mean"), 9);
        Assert.Equal(10, Value(model, "api.throughput.peak"), 9);
        Assert.Equal(0.1, Value(model, "api.status.5xx"), 9);
        Assert.Equal(0.9, Value(model, "api.status.2xx"), 9);
        // Buckets over the window: 10,560 ≤ 0.1 s, 13,200 ≤ 0.5 s and in all. p50: rank 6,600 in the first bucket,
        // 0.1 × 6,600 / 10,560 = 0.0625. p95: rank 12,540, 0.1 + 0.4 × (12,540 − 10,560) / 2,640 = 0.4. p99: 0.1 + 0.4 × 0.95 = 0.48.
        Assert.Equal(0.0625, Value(model, "api.latency.p50"), 9);
        Assert.Equal(0.4, Value(model, "api.latency.p95"), 9);
        Assert.Equal(0.48, Value(model, "api.latency.p99"), 9);
        Assert.Equal(3 * 1320, model.FigureById("api.latency.p95")!.Method.Samples); // three le series, one sample per poll each
    }

    [Fact]
    public async Task DatabaseAndResources_OverTheDay_GiveTheHandWorkedFigures()
    {
        await using var f = await ReportFixture.CreateAsync();
        await f.WriteTwoDaysAsync();

        var model = await f.Builder().BuildAsync(ReportFixture.DayRequest(CompareWith.None), TestContext.Current.CancellationToken);

        Assert.Equal(15, Value(model, "db.pool.busy.mean"), 9);
        Assert.Equal(20, Value(model, "db.pool.max"), 9);
        Assert.Equal(0.75, Value(model, "db.pool.usage.max"), 9);
        Assert.Equal(0.995, Value(model, "db.cache_hit.mean"), 9);
        Assert.Equal(100 * 1024 * 1024, Value(model, "res.memory.largest"), 3);
        // 1 − 100 MiB ÷ the default 1 GiB limit.
        Assert.Equal(1 - 100.0 / 1024, Value(model, "res.memory.headroom"), 9);
        Assert.Null(model.FigureById("res.cpu.busiest")!.Value);
        var sla = model.Sections.Single(s => s.Id == "sla").Tables[0];
        Assert.Equal(["Memory per pod", "350 MB (seed report)", "< 1024 MiB", "100 MiB", "pass"], sla.Rows.Single(r => r[0] == "Memory per pod").Take(5));
        Assert.Equal("not measured", sla.Rows.Single(r => r[0] == "CPU per pod")[4]);
    }

    [Fact]
    public async Task DataSize_IsTheApplicationDatabasesSize_AsPsqlReadsIt_NotTheServersDatabasesSummed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var f = await ReportFixture.CreateAsync();
        // A database of the test's own on the stack's server, so nothing else writes to it between the poll and psql.
        await using var database = new TemporaryDatabase();
        await database.InitializeAsync();
        await using var source = new X0tta6bl4.Ops.Collector.Sources.Postgres.PostgresSource(
            new X0tta6bl4.Ops.Collector.Configuration.PostgresSourceOptions { Connection = database.ConnectionString, Name = "stack" },
            new X0tta6bl4.Ops.Collector.Configuration.CollectorOptions());
        await f.Store.Store.WriteAsync(await source.CollectAsync(ReportFixture.Day.AddHours(12).ToUnixTimeMilliseconds(), ct), ct);
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
        var psql = await ServiceProcesses.RunAsync("psql", "-h", connection.Host!, "-p", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", connection.Username!, "-d", connection.Database!, "-Atc", "SELECT pg_database_size(current_database()), (SELECT sum(pg_database_size(datname)) FROM pg_database WHERE datname NOT IN ('template0', 'template1'))");
        var (own, server) = psql.Trim().Split('|') is [var a, var b] ? (double.Parse(a, System.Globalization.CultureInfo.InvariantCulture), double.Parse(b, System.Globalization.CultureInfo.InvariantCulture))
            : throw new Xunit.Sdk.XunitException($"psql printed '{psql}'");

        var model = await f.Builder().BuildAsync(ReportFixture.DayRequest(CompareWith.None), ct);

        Assert.Equal(own, Value(model, "db.size"));
        Assert.True(server > own, $"the server holds more than the test's database ({server} vs {own} bytes): the sum would differ");
        Assert.Contains($"pg_database_size('{connection.Database}')", model.FigureById("db.size")!.Method.Estimator);
        Assert.Null(model.FigureById("db.size.growth")!.Value);      // one poll: no growth measured, and none made up
    }

    [Fact]
    public async Task Comparison_WithThePreviousDay_CallsRealChangesAndKeepsMissingAsMissing()
    {
        await using var f = await ReportFixture.CreateAsync();
        await f.WriteTwoDaysAsync();

        var model = await f.Builder().BuildAsync(ReportFixture.DayRequest(), TestContext.Current.CancellationToken);

        // The day before: every request ≤ 0.1 s, so p95 = 0.1 × 0.95 = 0.095; 6 req/s, no 5xx.
        var p95 = model.FigureById("api.latency.p95")!;
        Assert.Equal(0.095, p95.Compared!.Value, 9);
        Assert.Equal(Verdict.Worse, p95.Verdict);
        Assert.Equal(0.4 - 0.095, p95.Delta!.Value, 9);
        var throughput = model.FigureById("api.throughput.mean")!;
        Assert.Equal(6, throughput.Compared!.Value, 9);
        Assert.Equal(Verdict.Changed, throughput.Verdict);
        Assert.Equal(100.0 * 4 / 6, throughput.DeltaPercent!.Value, 6);
        Assert.Equal(Verdict.Worse, model.FigureById("api.status.5xx")!.Verdict);
        // No Redis source at all: not measured, never a zero.
        var hit = model.FigureById("redis.hit_ratio.mean")!;
        Assert.Null(hit.Value);
        Assert.Equal(Verdict.NotMeasured, hit.Verdict);
        Assert.DoesNotContain(model.Findings, x => x.RuleId == "redis-hit");
    }

    [Fact]
    public async Task Findings_PoolAtSeventyFivePercent_FiresWithItsEvidence_AndTheConclusionFollowsTheRule()
    {
        await using var f = await ReportFixture.CreateAsync();
        await f.WriteTwoDaysAsync();

        var model = await f.Builder().BuildAsync(ReportFixture.DayRequest(), TestContext.Current.CancellationToken);

        var pool = Assert.Single(model.Findings, x => x.RuleId == "pool-use");
        Assert.Contains("75.00 %", pool.Evidence);
        Assert.Equal("> 60.00 %", pool.Threshold);
        var recommendation = Assert.Single(model.Recommendations, r => r.RuleId == "pool-use");
        Assert.Contains("75.00 %", recommendation.Evidence);
        Assert.DoesNotContain(model.Findings, x => x.RuleId == "db-cache-hit"); // 99.5 % ≥ 99 %
        Assert.Equal(model.Findings.Count, model.Recommendations.Count);

        // SLA: p95 400 ms fails 200, p99 480 ms passes 500, errors 10 % fail 1 %, memory 100 MiB passes, availability
        // 90 % fails 99 %; throughput and CPU not measured. 2 of 5 met = 40 %, less 5 for one warning = 35 → F.
        Assert.Equal(35, model.Conclusion.ReadinessPercent!.Value, 9);
        Assert.Equal("F", model.Conclusion.Grade);
    }

    [Fact]
    public async Task Baseline_NoneThenPinned_ComparesWithThePinnedWindow()
    {
        await using var f = await ReportFixture.CreateAsync();
        await f.WriteTwoDaysAsync();
        var builder = f.Builder();
        var ct = TestContext.Current.CancellationToken;

        var none = await builder.BuildAsync(ReportFixture.DayRequest(CompareWith.Baseline), ct);
        Assert.Contains("none is pinned", none.ComparedWith);
        Assert.Equal(Verdict.NoComparison, none.FigureById("api.latency.p95")!.Verdict);

        var dayBefore = await builder.BuildAsync(ReportFixture.DayRequest(CompareWith.None) with { From = "2026-11-25T00:00:00Z", To = "2026-11-26T00:00:00Z" }, ct);
        await f.Baseline.SaveAsync(dayBefore.Window, "ana", 1, ct);
        var pinned = await builder.BuildAsync(ReportFixture.DayRequest(CompareWith.Baseline), ct);
        Assert.Contains("pinned by ana", pinned.ComparedWith);
        Assert.Equal(0.095, pinned.FigureById("api.latency.p95")!.Compared!.Value, 9);
    }

    [Fact]
    public async Task Evictions_AcrossACounterReset_CountBothSidesOfIt()
    {
        await using var f = await ReportFixture.CreateAsync();
        var t = ReportFixture.Day.ToUnixTimeMilliseconds();
        var key = f.Store.Redis(RedisSeries.EvictedKeysTotal);
        // 100 → 150 (+50), then Redis restarted: 0 (+0), then 30 (+30): 80 keys evicted in the window.
        await f.Store.Store.WriteAsync(
        [
            new SeriesSample(key, t, 100), new SeriesSample(key, t + 1_800_000, 150), new SeriesSample(key, t + 3_600_000, 0), new SeriesSample(key, t + 5_400_000, 30),
        ], TestContext.Current.CancellationToken);

        var model = await f.Builder().BuildAsync(ReportFixture.DayRequest(CompareWith.None), TestContext.Current.CancellationToken);

        Assert.Equal(80, Value(model, "redis.evictions.total"));
        Assert.Single(model.Findings, x => x.RuleId == "evictions");
    }

    [Fact]
    public async Task EmptyStore_EveryFigureNotMeasured_NoFinding_ConclusionIncomplete()
    {
        await using var f = await ReportFixture.CreateAsync();

        var model = await f.Builder().BuildAsync(ReportFixture.DayRequest(), TestContext.Current.CancellationToken);

        Assert.Null(model.Job);
        Assert.Empty(model.Findings);
        Assert.Empty(model.Recommendations);
        Assert.Equal("incomplete", model.Conclusion.Grade);
        Assert.Null(model.Conclusion.ReadinessPercent);
        Assert.All(model.AllFigures.Where(x => x.Figure.Id.StartsWith("redis.", StringComparison.Ordinal) || x.Figure.Id.StartsWith("db.", StringComparison.Ordinal)),
            x => Assert.False(x.Figure.Measured, x.Figure.Id));
        Assert.Equal(Enumerable.Range(1, 11), model.Sections.Select(s => s.Number));
    }
}
