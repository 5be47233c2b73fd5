using Bunit;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Dashboard.Components.Pages;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>Every on-call page with known store contents, with none, and with its source down.</summary>
public class PageTests
{
    private static string Tile<T>(IRenderedComponent<T> page, string id) where T : Microsoft.AspNetCore.Components.IComponent =>
        page.Find($"[data-testid=tile-{id}] .tile-value").TextContent.Trim();

    [Fact]
    public async Task Api_WithData_ShowsQuantilesAndTheSortedEndpointTable()
    {
        await using var context = await PageContext.CreateAsync(async f => { await f.WriteApiAsync(); await f.WriteEndpointsAndRestartAsync(); });

        var page = context.Render<ApiPage>();

        page.WaitForAssertion(() => Assert.Equal("250 ms", Tile(page, "p95")));
        Assert.Equal("20.00 req/s", Tile(page, "rps"));
        Assert.Equal("10.00 %", Tile(page, "errors"));
        var rows = page.FindAll("[data-testid=endpoint-row]");
        Assert.Equal("/api/v1/nodes/{nodeId:guid}", rows[0].GetAttribute("data-endpoint")); // most requests first
        var first = rows[0].ParentElement!.TextContent;
        Assert.Contains("10.00 req/s", first);
        Assert.Contains("12.3 ms", first);
        Assert.Contains("10.00 %", first);
        Assert.Contains("no requests", rows[1].ParentElement!.TextContent); // /health has a rate but no latency
    }

    [Fact]
    public async Task Api_NoData_SaysSo()
    {
        await using var context = await PageContext.CreateAsync();

        var page = context.Render<ApiPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-data]")));
    }

    [Fact]
    public async Task Database_WithData_ShowsSessionsAgainstTheLimitsAndTheTables()
    {
        await using var context = await PageContext.CreateAsync(async f => { await f.WriteApiAsync(); await f.WritePostgresAsync(); });

        var page = context.Render<DatabasePage>();

        page.WaitForAssertion(() => Assert.Equal("8 of 100 (8 %)", Tile(page, "connections")));
        Assert.Equal("5 of 20", Tile(page, "pool"));
        Assert.Equal("75 s", Tile(page, "longest-xact"));
        Assert.Equal("Breach", page.Find("[data-testid=tile-longest-xact]").GetAttribute("data-status"));
        Assert.Equal("95.00 %", Tile(page, "hit"));
        Assert.Contains("SELECT * FROM nodes WHERE id = $1", page.Find("[data-testid=statements-table]").TextContent);
        Assert.Contains("2.0 ms", page.Find("[data-testid=statements-table]").TextContent);
        Assert.Contains("+2.0 MiB", page.Find("[data-testid=sizes-table]").TextContent);
        // Every database listed, the application's first and marked; the server's bigger postgres apart below it.
        var sizes = page.FindAll("[data-testid=sizes-table] tbody tr");
        Assert.Equal(["x0tta6bl4", "postgres"], sizes.Select(r => r.GetAttribute("data-database")));
        Assert.Equal(["true", "false"], sizes.Select(r => r.GetAttribute("data-application")));
        Assert.Contains("1234", page.Find("[data-testid=vacuum-table]").TextContent);
        // The standby the newest poll saw; the one gone since is not the lag of now.
        Assert.Equal("1.5 s", Tile(page, "replication"));
        Assert.Contains("standby", page.Find("[data-testid=tile-replication]").TextContent);
    }

    [Fact]
    public async Task Database_NoStandbyStreaming_ReplicationLagIsMissing_NotZero()
    {
        // The newest poll (12 s ago) lists no replica; the last lag stored is from a standby that stopped before it.
        var t = StoreFixture.Now.ToUnixTimeMilliseconds() - 12_000;
        await using var context = await PageContext.CreateAsync(f => f.Store.WriteAsync(
        [
            new(f.Pg(X0tta6bl4.Ops.Metrics.Catalog.PostgresSeries.Connections, ("database", "x0tta6bl4"), ("user", "app"), ("state", "active")), t, 3),
            new(f.Pg(X0tta6bl4.Ops.Metrics.Catalog.PostgresSeries.MaxConnections), t, 100),
            new(f.Pg(X0tta6bl4.Ops.Metrics.Catalog.PostgresSeries.ReplicationLagSeconds, ("replica", "standby")), t - 60_000, 2),
        ]));

        var page = context.Render<DatabasePage>();

        page.WaitForAssertion(() => Assert.Equal("no data", Tile(page, "replication")));
        Assert.Equal("Missing", page.Find("[data-testid=tile-replication]").GetAttribute("data-status"));
    }

    [Fact]
    public async Task Database_SourceDown_ShowsNoDataAndPointsAtTheSource()
    {
        await using var context = await PageContext.CreateAsync(f => f.RecordPollAsync("postgres/postgres", "127.0.0.1:55432/x0tta6bl4", StoreFixture.Now, "Connection refused"));

        var page = context.Render<DatabasePage>();

        page.WaitForAssertion(() => Assert.Contains("No PostgreSQL statistics", page.Find("[data-testid=no-data]").TextContent));
    }

    [Fact]
    public async Task Cache_MaxmemoryZero_IsShownAsNoLimit()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteRedisAsync());

        var page = context.Render<CachePage>();

        page.WaitForAssertion(() => Assert.Contains("no limit", page.Find("[data-testid=tile-memory]").TextContent));
        Assert.Equal("5.0 MiB", Tile(page, "memory"));
        Assert.Equal("allkeys-lru", Tile(page, "policy"));
        Assert.Equal("80.00 %", Tile(page, "hit"));
        Assert.Equal("Breach", page.Find("[data-testid=tile-hit]").GetAttribute("data-status"));
        Assert.Equal("off", Tile(page, "aof"));
        var get = page.Find("[data-command=get]").TextContent;
        Assert.Contains("8.5 µs", get);
        Assert.Contains("16.0 µs", get);
    }

    [Fact]
    public async Task Cache_NoData_SaysSo()
    {
        await using var context = await PageContext.CreateAsync();

        var page = context.Render<CachePage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-data]")));
    }

    [Fact]
    public async Task Resources_WithData_ShowsPodsAgainstLimitsAndCountsTheRestart()
    {
        await using var context = await PageContext.CreateAsync(async f => { await f.WriteApiAsync(); await f.WriteEndpointsAndRestartAsync(); });

        var page = context.Render<ResourcesPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=pod-row]")));
        var row = page.Find("[data-testid=pod-row][data-pod='127.0.0.1:58080']").TextContent;
        Assert.Contains("120 m", row);
        Assert.Contains("200.0 MiB", row);
        Assert.Equal("1", page.Find("[data-testid=pod-row] td:nth-child(7)").TextContent.Trim()); // one restart: two start times
    }

    [Fact]
    public async Task Resources_WithNodeExporter_ShowsTheHostsDiskAndNetwork_AndWithoutEitherExporterSaysNotMeasured()
    {
        var t = StoreFixture.Now.ToUnixTimeMilliseconds() - 12_000;
        static X0tta6bl4.Ops.Metrics.Model.SeriesKey Node(string name) => X0tta6bl4.Ops.Metrics.Model.SeriesKey.Of(name,
            ("job", "node"), ("pod", "127.0.0.1:59100"), ("exporter", "node_exporter"), ("source", "prometheus"));
        await using var context = await PageContext.CreateAsync(async f =>
        {
            await f.WriteApiAsync();
            await f.Store.WriteAsync(
            [
                new(Node(X0tta6bl4.Ops.Metrics.Catalog.CanonicalSeries.PodDiskReadBytesPerSecond), t, 0),
                new(Node(X0tta6bl4.Ops.Metrics.Catalog.CanonicalSeries.PodDiskWriteBytesPerSecond), t, 3 * 1024 * 1024),
                new(Node(X0tta6bl4.Ops.Metrics.Catalog.CanonicalSeries.PodNetworkReceiveBytesPerSecond), t, 2048),
            ]);
        });
        await using var without = await PageContext.CreateAsync(f => f.WriteApiAsync());

        var page = context.Render<ResourcesPage>();
        var empty = without.Render<ResourcesPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=io-row]")));
        var row = page.Find("[data-testid=io-row]");
        Assert.Equal("node_exporter", row.GetAttribute("data-exporter"));
        var cells = row.QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(["node", "127.0.0.1:59100", "node_exporter", "0 B/s", "3.0 MiB/s", "2.0 KiB/s", "not measured"], cells);
        empty.WaitForAssertion(() => Assert.Contains("Not measured", empty.Find("[data-testid=no-io]").TextContent));
    }

    [Fact]
    public async Task Targets_ListPrometheusTargetsWithTheirErrors()
    {
        await using var context = await PageContext.CreateAsync();
        await context.Fixture.State.PublishTargetsAsync(new PrometheusTargets(StoreFixture.Now.AddSeconds(-4),
        [
            new PromTarget("api", "127.0.0.1:58080", "http://127.0.0.1:58080/metrics", "up", "", StoreFixture.Now.AddSeconds(-3), 0.004),
            new PromTarget("dashboard", "127.0.0.1:5080", "http://127.0.0.1:5080/metrics", "down", "connection refused", StoreFixture.Now.AddSeconds(-2), 0.001),
        ]), "test-collector", Xunit.TestContext.Current.CancellationToken);

        var page = context.Render<TargetsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=target-row]").Count));
        Assert.Contains("connection refused", page.Find("[data-testid=target-row][data-job=dashboard]").TextContent);
        Assert.Equal("1 of 2", Tile(page, "targets-down"));
    }

    [Fact]
    public async Task Targets_ShowEachCollectorsWriteBuffer_AsItReportedItToTheStore()
    {
        await using var context = await PageContext.CreateAsync();
        var ct = Xunit.TestContext.Current.CancellationToken;
        var state = context.Fixture.State;
        await state.HeartbeatAsync("spooling", StoreFixture.Now.AddMinutes(-10), StoreFixture.Now.AddSeconds(-2), ct);
        await state.HeartbeatAsync("memory-only", StoreFixture.Now.AddMinutes(-10), StoreFixture.Now.AddSeconds(-2), ct);
        await state.HeartbeatAsync("silent", StoreFixture.Now.AddMinutes(-10), StoreFixture.Now.AddSeconds(-2), ct);
        await state.RecordBufferAsync("spooling", new CollectorBuffer(12_500, 2_000_000, 300, 3 * 1048576, 256 * 1048576, StoreFixture.Now.AddSeconds(-3)), ct);
        await state.RecordBufferAsync("memory-only", new CollectorBuffer(0, 2_000_000, 0, null, null, StoreFixture.Now.AddSeconds(-3)), ct);

        var page = context.Render<TargetsPage>();

        string Buffer(string name) => page.Find($"[data-testid=collector-row][data-collector={name}] [data-testid=collector-buffer]").TextContent.Trim();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=collector-row]").Count));
        Assert.Equal("12,500 of 2,000,000 samples · spool 3.0 MiB of 256.0 MiB · 300 dropped", Buffer("spooling"));
        Assert.Equal("0 of 2,000,000 samples · no spool (memory only) · 0 dropped", Buffer("memory-only"));
        Assert.Equal("not reported", Buffer("silent"));
    }

    [Fact]
    public async Task Targets_PrometheusNeverRead_SaysSo()
    {
        await using var context = await PageContext.CreateAsync();

        var page = context.Render<TargetsPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-targets]")));
    }

    [Fact]
    public async Task Range_FromTheUrl_IsUsed_AndABadOneIsExplained()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync());

        var page = context.Render<ApiPage>("range=banana");

        page.WaitForAssertion(() => Assert.Contains("Unknown range 'banana'", page.Find("[data-testid=range-problem]").TextContent));
    }

    [Fact]
    public async Task Capacity_WithData_ProjectsFromTheEvidence()
    {
        await using var context = await PageContext.CreateAsync(async f => { await f.WriteApiAsync(); await f.WritePostgresAsync(); });

        var page = context.Render<CapacityPage>();

        // Load 20 req/s; p95 250 ms never met its target, so today's 20 req/s on one pod is the per-pod floor.
        page.WaitForAssertion(() => Assert.Contains("20.00 req/s", page.Find("[data-figure='Load now'] .evidence-value").TextContent));
        Assert.Equal("20.00 req/s", page.Find("[data-figure='Per-pod capacity'] .evidence-value").TextContent.Trim());
        Assert.Contains("floor", page.Find("[data-figure='Per-pod capacity'] .evidence-source").TextContent);
        // Conservative, month 12: 20 · 1.3⁴ = 57.12 req/s; ⌈57.12 · 1.3 / 20⌉ = 4 pods; 4 × 20 connections of 100.
        var row = page.Find("[data-scenario=Conservative][data-month='12']");
        Assert.Equal("4", row.QuerySelector("[data-testid=pods]")!.TextContent.Trim());
        Assert.Contains("57.12 req/s", row.TextContent);
        Assert.Contains("80 / 100", row.TextContent);
        // The trend needs history the store does not have: it says so instead of projecting.
        Assert.Contains("at least 14 points", page.Find("[data-scenario='Fitted trend']").TextContent);
        // The application's database, not the server's bigger postgres; five minutes of size history measure no growth,
        // so storage is not projected (never as if it did not grow) and its run-out says what it lacks.
        Assert.Equal("12.0 MiB", page.Find("[data-figure='Database size'] .evidence-value").TextContent.Trim());
        Assert.Contains("pg_database_size('x0tta6bl4')", page.Find("[data-figure='Database size'] .evidence-source").TextContent);
        Assert.Equal("not measured", page.Find("[data-figure='Storage growth'] .evidence-value").TextContent.Trim());
        Assert.Contains("growth needs a day", page.Find("[data-figure='Storage growth'] .evidence-source").TextContent);
        Assert.EndsWith("not measured", row.TextContent.Trim());
        Assert.Contains("not measured", page.Find("[data-testid=run-outs] [data-scenario=Conservative]").TextContent);
    }

    [Fact]
    public async Task Capacity_PerPodFromTheUrl_ChangesThePods()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync());

        var page = context.Render<CapacityPage>("perPod=10");

        // ⌈57.12 · 1.3 / 10⌉ = 8.
        page.WaitForAssertion(() => Assert.Equal("8", page.Find("[data-scenario=Conservative][data-month='12'] [data-testid=pods]").TextContent.Trim()));
        Assert.Equal("Set by you.", page.Find("[data-figure='Per-pod capacity'] .evidence-source").TextContent.Trim());
    }

    [Fact]
    public async Task Capacity_BadLinkValue_IsExplainedAndDefaultsUsed()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync());

        var page = context.Render<CapacityPage>("horizon=500");

        page.WaitForAssertion(() => Assert.Contains("horizon must be 1 to 60 months", page.Find("[data-testid=input-error]").TextContent));
        Assert.NotEmpty(page.FindAll("[data-scenario=Conservative][data-month='12']"));
    }

    [Fact]
    public async Task Capacity_NoData_SaysThereIsNothingToPlanFrom()
    {
        await using var context = await PageContext.CreateAsync();

        var page = context.Render<CapacityPage>();

        page.WaitForAssertion(() => Assert.Contains("nothing to plan from", page.Find("[data-testid=no-data]").TextContent));
    }

    [Fact]
    public async Task Sla_WithData_EvaluatesTheSeedsTableOnMeasuredData()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync());

        var page = context.Render<SlaPage>("window=1h");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=sla-row]")));
        string Status(string id) => page.Find($"[data-sla={id}]").GetAttribute("data-status")!;
        string Current(string id) => page.Find($"[data-sla={id}] .sla-current").TextContent.Trim();
        Assert.Equal("Fail", Status("p95"));            // 250 ms against < 200 ms
        Assert.Equal("250.0 ms", Current("p95"));
        Assert.Equal("Pass", Status("p99"));            // 320 ms against < 500 ms
        Assert.Equal("10.00 %", Current("errors"));     // 2 of 20 req/s
        Assert.Equal("Unknown", Status("throughput"));  // no capacity run: 20 req/s of traffic says nothing about capacity
        Assert.Equal("not measured", Current("throughput"));
        Assert.Contains("20.0 req/s on average", page.Find("[data-testid=current-traffic]").TextContent);
        Assert.Equal("Pass", Status("cpu"));
        Assert.Equal("90.000 %", Current("availability"));
        // 10 % bad against an allowed 1 %: the budget is overspent nine times over.
        Assert.Equal(-9, double.Parse(page.Find("[data-testid=budget-availability]").GetAttribute("data-remaining")!, System.Globalization.CultureInfo.InvariantCulture), 9);
    }

    /// <summary>
    /// A finished capacity search: 900 req/s sustained; steps at 300 and 600 req/s whose CPU (100 m and 160 m, one pod)
    /// gives 40 m idle + 0.2 m per req/s.
    /// </summary>
    private static async Task WriteCapacityRunAsync(StoreFixture f)
    {
        var t = StoreFixture.Now;
        var pod = X0tta6bl4.Ops.Metrics.Model.SeriesKey.Of("pod_cpu_millicores", ("job", "api"), ("pod", "127.0.0.1:58080"), ("source", "scrape"));
        var memory = X0tta6bl4.Ops.Metrics.Model.SeriesKey.Of("pod_memory_bytes", ("job", "api"), ("pod", "127.0.0.1:58080"), ("source", "scrape"));
        await f.Store.WriteAsync(
        [
            new(pod, t.AddSeconds(-80).ToUnixTimeMilliseconds(), 100),
            new(pod, t.AddSeconds(-40).ToUnixTimeMilliseconds(), 160),
            new(memory, t.AddSeconds(-50).ToUnixTimeMilliseconds(), 200 << 20),
        ]);
        var run = new X0tta6bl4.Ops.Load.Engine.LoadRun
        {
            Plan = X0tta6bl4.Ops.Load.Plans.DefaultPlans.Baseline(),
            StartedAt = t.AddSeconds(-100),
            EndedAt = t.AddSeconds(-20),
            CapacitySearches =
            [
                new()
                {
                    Scenario = "capacity", TargetP95Ms = 200, TargetErrorRate = 0.01, HighestMetRate = 900,
                    Steps =
                    [
                        new() { Rate = 300, AchievedRate = 300, StartedAt = t.AddSeconds(-100), EndedAt = t.AddSeconds(-60), Met = true },
                        new() { Rate = 600, AchievedRate = 600, StartedAt = t.AddSeconds(-60), EndedAt = t.AddSeconds(-20), Met = true },
                    ],
                },
            ],
        };
        var id = (await f.LoadRuns.StartAsync("capacity", "capacity", "{}", "ana", "test", t.AddSeconds(-100).ToUnixTimeMilliseconds(), 1, CancellationToken.None))!.Value;
        var json = X0tta6bl4.Ops.Load.Reports.JsonReport.Render(run);
        await f.LoadRuns.FinishAsync(id, X0tta6bl4.Ops.Metrics.LoadRuns.LoadRunStatus.Completed, json, json, 900, null, t.AddSeconds(-20).ToUnixTimeMilliseconds(), CancellationToken.None);
    }

    [Fact]
    public async Task Sla_WithACapacityRun_ComparesTheMeasuredCapacityWithTheTarget()
    {
        await using var context = await PageContext.CreateAsync(async f =>
        {
            await f.WriteApiAsync();
            await WriteCapacityRunAsync(f);
        });

        var page = context.Render<SlaPage>("window=1h");

        page.WaitForAssertion(() => Assert.Equal("Pass", page.Find("[data-sla=throughput]").GetAttribute("data-status")));
        Assert.Equal("900 req/s", page.Find("[data-sla=throughput] .sla-current").TextContent.Trim());
        Assert.Contains("Measured by load run 1", page.Find("[data-sla=throughput]").GetAttribute("title"));
    }

    [Fact]
    public async Task Capacity_WithACapacityRun_UsesItsRatePerPod_AndProjectsCpuFromTheMeasuredCost()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using var context = await PageContext.CreateAsync(async f =>
        {
            await f.WriteApiAsync();
            await WriteCapacityRunAsync(f);
        });
        var query = new X0tta6bl4.Ops.Dashboard.Model.CapacityQuery(context.Fixture.Reader, context.Fixture.SlaTargets, context.Fixture.LoadRuns);

        var model = await query.LoadAsync("api", new X0tta6bl4.Ops.Dashboard.Model.CapacitySettings(), ct);

        var perPod = model.Evidence.Single(e => e.Figure == "Per-pod capacity");
        Assert.Equal(900, model.Inputs!.PerPodCapacity);                 // one pod served during the run
        Assert.StartsWith("Measured by load run 1", perPod.Source);
        Assert.Equal(40, model.Inputs.Cost!.IdleMillicoresPerPod, 6);    // 100 m at 300 req/s, 160 m at 600 req/s
        Assert.Equal(0.2, model.Inputs.Cost.MillicoresPerRequestPerSecond, 6);
        // Month 0 of any scenario: 20 req/s on one pod costs 40 + 0.2 × 20 = 44 m, not today's CPU scaled with load.
        var now = X0tta6bl4.Ops.Metrics.Analysis.CapacityProjection.At(model.Inputs, 0.3, 0);
        Assert.Equal(44, now.CpuMillicores, 6);
        Assert.Equal(["redis", "storage"], model.NotMeasured.Order());        // no Redis memory, no database size: not 0 bytes
    }

    [Fact]
    public async Task Sla_NoData_IsUnknownNeverPass()
    {
        await using var context = await PageContext.CreateAsync();

        var page = context.Render<SlaPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=sla-row]")));
        Assert.All(page.FindAll("[data-testid=sla-row]"), r => Assert.Equal("Unknown", r.GetAttribute("data-status")));
        Assert.Contains("no data", page.Find("[data-testid=budget-availability]").TextContent);
    }

    [Fact]
    public async Task Alerts_ActiveAndHistory_WithTimesToAcknowledgeAndResolve_AndNoisePerRule()
    {
        long firing = 0;
        await using var context = await PageContext.CreateAsync(async f =>
        {
            var now = StoreFixture.Now.ToUnixTimeMilliseconds();
            // A p95 alert that started 20 min ago, fired 15 min ago, was acknowledged 5 min later and resolved 10 min ago.
            var old = await f.Alerts.StartAsync("latency-p95", "warning", "job=\"api\"", now - 1_200_000, 0.31);
            await f.Alerts.FireAsync(old, now - 900_000, 0.33);
            await f.Alerts.AcknowledgeAsync(old, "ana", "pool tuning", now - 600_000 - 60_000);
            await f.Alerts.ResolveAsync(old, now - 600_000);
            // And one firing now.
            firing = await f.Alerts.StartAsync("latency-p95", "warning", "job=\"api\"", now - 400_000, 0.4);
            await f.Alerts.FireAsync(firing, now - 100_000, 0.45);
        });

        var page = context.Render<AlertsPage>("range=1h");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=active-alerts] [data-testid=alert-row]")));
        var resolved = page.Find("[data-testid=alert-history] [data-testid=alert-row]").TextContent;
        Assert.Contains("4.0 min", resolved);   // fired at −15 min, acknowledged at −11 min
        Assert.Contains("10.0 min", resolved);  // started at −20 min, resolved at −10 min
        Assert.Contains("ana: pool tuning", resolved);
        var noise = page.Find("[data-testid=rule-noise] [data-rule=latency-p95]").TextContent;
        Assert.Contains("10.0 min", noise);     // MTTR
        Assert.Contains("0.1 h", noise);        // MTTF: resolved at −10 min, next started at −6:40 → 3.3 min = 0.06 h
        Assert.Contains("/?range=custom&from=", page.Find("[data-testid=alert-history] a").GetAttribute("href"));
        // The review: two fired; one acknowledged 4 min after firing and resolved 5 min after it (transient: over
        // within 5 min), the open one never acknowledged: 50 % each.
        var review = page.Find("[data-testid=alert-review] [data-review-rule=latency-p95]").TextContent;
        Assert.Contains("4.0 min / 4.0 min", review);
        Assert.Contains("5.0 min / 5.0 min", review);
        Assert.Contains("50 %", review);
        Assert.Contains("twelve-hour shifts had more than 2 alerts", page.Find("[data-testid=shift-load]").TextContent);
    }

    [Fact]
    public async Task Alerts_Acknowledge_RecordsOwnerAndComment_AndEmptyValuesChangeNothing()
    {
        await using var context = await PageContext.CreateAsync(async f =>
        {
            var id = await f.Alerts.StartAsync("source-down", "critical", "source=\"redis/redis\"", StoreFixture.Now.ToUnixTimeMilliseconds() - 120_000, 0);
            await f.Alerts.FireAsync(id, StoreFixture.Now.ToUnixTimeMilliseconds() - 60_000, 0);
        });
        var page = context.Render<AlertsPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=ack-button]")));

        page.Find("[data-testid=ack-button]").Click();
        page.WaitForAssertion(() => Assert.Contains("needs an owner", page.Find("[data-testid=ack-error]").TextContent));
        Assert.Null((await context.Fixture.Alerts.ListAsync(0, long.MaxValue, Xunit.TestContext.Current.CancellationToken)).Single().AckedBy);

        page.Find("input[data-testid=ack-owner]").Change("bo");
        page.Find("input[data-testid=ack-comment]").Change("restarting redis");
        page.Find("[data-testid=ack-button]").Click();

        page.WaitForAssertion(() => Assert.Contains("bo: restarting redis", page.Find("[data-testid=acked]").TextContent));
        Assert.Equal("bo", (await context.Fixture.Alerts.ListAsync(0, long.MaxValue, Xunit.TestContext.Current.CancellationToken)).Single().AckedBy);
    }

    [Fact]
    public async Task Alerts_Viewer_CannotAcknowledge()
    {
        await using var context = await PageContext.CreateAsync(async f =>
        {
            var id = await f.Alerts.StartAsync("source-down", "critical", "source=\"redis/redis\"", StoreFixture.Now.ToUnixTimeMilliseconds() - 120_000, 0);
            await f.Alerts.FireAsync(id, StoreFixture.Now.ToUnixTimeMilliseconds() - 60_000, 0);
        }, role: "viewer");

        var page = context.Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=ack-operators-only]")));
        Assert.Empty(page.FindAll("[data-testid=ack-button]"));
    }

    [Fact]
    public async Task Alerts_NoAlertmanager_SaysPlainlyThatNothingIsDelivered()
    {
        await using var context = await PageContext.CreateAsync(f => f.Deliveries.RegisterAsync([], CancellationToken.None));

        var page = context.Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.Contains("Alerts are not delivered anywhere", page.Find("[data-testid=delivery-none]").TextContent));
        Assert.Contains("Alerts__Alertmanagers__0__Url", page.Find("[data-testid=delivery-none]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=delivery-line]"));
    }

    [Fact]
    public async Task Alerts_DeliveredToOneAlertmanager_FailingToAnother_SaysWhereEachAlertWentAndWhy()
    {
        var now = StoreFixture.Now.ToUnixTimeMilliseconds();
        await using var context = await PageContext.CreateAsync(async f =>
        {
            var id = await f.Alerts.StartAsync("source-down", "critical", "source=\"redis/redis\"", now - 120_000, 0);
            await f.Alerts.FireAsync(id, now - 60_000, 0);
            await f.Deliveries.RegisterAsync(["http://am-1:9093", "http://am-2:9093"], CancellationToken.None);
            await f.Deliveries.RecordSentAsync("http://am-1:9093", [(id, X0tta6bl4.Ops.Metrics.Alerts.AlertState.Firing)], now - 30_000, CancellationToken.None);
            await f.Deliveries.RecordFailureAsync("http://am-2:9093", "http://am-2:9093 is unreachable: Connection refused", now - 5_000, CancellationToken.None);
        });

        var page = context.Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=delivery-line]").Count));
        var lines = page.FindAll("[data-testid=delivery-line]").ToDictionary(l => l.GetAttribute("data-alertmanager")!);
        Assert.Equal("false", lines["http://am-1:9093"].GetAttribute("data-failing"));
        Assert.Contains("last delivered 30 s ago", lines["http://am-1:9093"].TextContent);
        Assert.Equal("true", lines["http://am-2:9093"].GetAttribute("data-failing"));
        Assert.Contains("Connection refused", lines["http://am-2:9093"].TextContent);
        Assert.Contains("Nothing was delivered yet", lines["http://am-2:9093"].TextContent);
        Assert.Equal("sent firing to http://am-1:9093 30 s ago", page.Find("[data-testid=active-alerts] [data-testid=delivered]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=delivery-none]"));
    }

    [Fact]
    public async Task Sla_OperatorChangesATarget_TheStatusFollowsAndTheChangeIsKept()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync());
        var page = context.Render<SlaPage>("window=1h");
        page.WaitForAssertion(() => Assert.Equal("Fail", page.Find("[data-sla=p95]").GetAttribute("data-status")));

        page.Find("input[data-testid=target-p95]").Change("300");
        page.Find("[data-testid=save-p95]").Click();

        // 250 ms now meets < 300 ms.
        page.WaitForAssertion(() => Assert.Equal("Pass", page.Find("[data-sla=p95]").GetAttribute("data-status")));
        Assert.Contains("< 300 ms", page.Find("[data-sla=p95]").TextContent);
        Assert.Contains("bo", page.Find("[data-testid=settings-updated]").TextContent);
        Assert.Equal(300, (await context.Fixture.SlaTargets.LoadAsync(Xunit.TestContext.Current.CancellationToken)).Settings.Targets["p95"]);
    }

    [Fact]
    public async Task Sla_RaisedP95Target_RecoloursTheOverviewTile_AndMovesTheSlaAlertRule()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync());
        var overview = context.Render<Overview>();
        overview.WaitForAssertion(() => Assert.Equal("Breach", overview.Find("[data-testid=tile-p95]").GetAttribute("data-status")));

        // An operator raises the p95 target on the SLA page: 250 ms now meets it everywhere the target is used.
        var sla = context.Render<SlaPage>("window=1h");
        sla.WaitForAssertion(() => Assert.NotNull(sla.Find("input[data-testid=target-p95]")));
        sla.Find("input[data-testid=target-p95]").Change("300");
        sla.Find("[data-testid=save-p95]").Click();
        sla.WaitForAssertion(() => Assert.Equal("Pass", sla.Find("[data-sla=p95]").GetAttribute("data-status")));

        var again = context.Render<Overview>();
        again.WaitForAssertion(() => Assert.Equal("Ok", again.Find("[data-testid=tile-p95]").GetAttribute("data-status")));
        Assert.Contains("< 300 ms", again.Find("[data-testid=tile-p95]").TextContent);
        var alerts = context.Render<AlertsPage>();
        alerts.WaitForAssertion(() => Assert.Equal("0.3", alerts.Find("[data-rule-id=latency-p95]").GetAttribute("data-threshold")));
        Assert.Equal("SlaTarget", alerts.Find("[data-rule-id=latency-p95]").GetAttribute("data-origin"));
        var capacity = await new X0tta6bl4.Ops.Dashboard.Model.CapacityQuery(context.Fixture.Reader, context.Fixture.SlaTargets, context.Fixture.LoadRuns).LoadAsync("api", new X0tta6bl4.Ops.Dashboard.Model.CapacitySettings(), ct);
        Assert.Contains("within the SLA's 300 ms", string.Join(" ", capacity.Evidence.Select(e => e.Source)));
    }

    [Fact]
    public async Task Sla_InvalidTarget_IsExplainedAndChangesNothing()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync());
        var page = context.Render<SlaPage>("window=1h");
        page.WaitForAssertion(() => Assert.NotNull(page.Find("input[data-testid=target-errors]")));

        page.Find("input[data-testid=target-errors]").Change("150");
        page.Find("[data-testid=save-errors]").Click();

        page.WaitForAssertion(() => Assert.Contains("errors target must be between", page.Find("[data-testid=edit-error]").TextContent));
        Assert.Empty((await context.Fixture.SlaTargets.LoadAsync(Xunit.TestContext.Current.CancellationToken)).Settings.Targets);
    }

    [Fact]
    public async Task Sla_SetBaselinesFromTheWindow_ReplacesTheSeedsFigures()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync());
        var page = context.Render<SlaPage>("window=1h");
        page.WaitForAssertion(() => Assert.Contains("150 ms (seed report)", page.Find("[data-sla=p95]").TextContent));

        page.Find("[data-testid=set-baselines]").Click();

        page.WaitForAssertion(() => Assert.Contains("250.0 ms (measured, 1h to", page.Find("[data-sla=p95]").TextContent));
    }

    [Fact]
    public async Task Sla_Viewer_CannotEdit()
    {
        await using var context = await PageContext.CreateAsync(f => f.WriteApiAsync(), role: "viewer");

        var page = context.Render<SlaPage>("window=1h");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=sla-row]")));
        Assert.Empty(page.FindAll("[data-testid=set-baselines]"));
        Assert.Empty(page.FindAll("input[data-testid=target-p95]"));
    }

    [Fact]
    public async Task Alerts_OperatorChangesARule_AndABadValueChangesNothing()
    {
        await using var context = await PageContext.CreateAsync();
        var page = context.Render<AlertsPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("input[data-testid=for-latency-p95]")));

        page.Find("input[data-testid=for-latency-p95]").Change("-5");
        page.Find("[data-testid=save-rule-latency-p95]").Click();
        page.WaitForAssertion(() => Assert.Contains("between 0 and 86400", page.Find("[data-testid=rule-error]").TextContent));
        Assert.Equal("300", page.Find("[data-rule-id=latency-p95]").GetAttribute("data-for"));

        page.Find("input[data-testid=for-latency-p95]").Change("60");
        page.Find("input[data-testid=threshold-latency-p95]").Change("0.3");
        page.Find("[data-testid=save-rule-latency-p95]").Click();

        page.WaitForAssertion(() => Assert.Equal("60", page.Find("[data-rule-id=latency-p95]").GetAttribute("data-for")));
        Assert.Equal("0.3", page.Find("[data-rule-id=latency-p95]").GetAttribute("data-threshold"));
        Assert.Equal("Operator", page.Find("[data-rule-id=latency-p95]").GetAttribute("data-origin"));
        Assert.Contains("bo", page.Find("[data-testid=rules-updated]").TextContent);

        // Unpinned, the threshold follows the SLA's p95 target (200 ms) again.
        page.Find("[data-testid=unpin-latency-p95]").Click();
        page.WaitForAssertion(() => Assert.Equal("SlaTarget", page.Find("[data-rule-id=latency-p95]").GetAttribute("data-origin")));
        Assert.Equal("0.2", page.Find("[data-rule-id=latency-p95]").GetAttribute("data-threshold"));
    }

    [Fact]
    public async Task Alerts_Viewer_SeesRulesButCannotChangeThem()
    {
        await using var context = await PageContext.CreateAsync(role: "viewer");

        var page = context.Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-rule-id]")));
        Assert.Empty(page.FindAll("input[data-testid=for-latency-p95]"));
    }

    [Fact]
    public async Task Alerts_ComponentAvailability_FromUpDownHistory()
    {
        await using var context = await PageContext.CreateAsync(async f =>
        {
            // redis polled every 30 s for 10 min (20 steps of 30 s): down for 2 steps in the middle.
            var start = StoreFixture.Now.ToUnixTimeMilliseconds() / 30_000 * 30_000 - 600_000;
            var key = X0tta6bl4.Ops.Metrics.Model.SeriesKey.Of("source_up", ("source", "redis/redis"));
            await f.Store.WriteAsync(Enumerable.Range(0, 20).Select(i => new X0tta6bl4.Ops.Metrics.Model.SeriesSample(key, start + i * 30_000, i is 8 or 9 ? 0 : 1)).ToList());
        });

        var page = context.Render<AlertsPage>("range=15m");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-component='source redis/redis']")));
        var row = page.Find("[data-component='source redis/redis']").TextContent;
        Assert.Contains("90.00 %", row);   // 18 of 20 steps up
        Assert.Contains("60 s", row);      // one outage of 2 × 30 s
        Assert.Contains("4.5 min", row);   // up runs of 8 and 10 steps: mean 9 × 30 s
    }
}
