using Bunit;
using X0tta6bl4.Ops.Dashboard.Components.Pages;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Load.Reports;
using X0tta6bl4.Ops.Metrics.LoadRuns;

namespace X0tta6bl4.Ops.Dashboard.Tests;

public class LoadPageTests
{
    /// <summary>A finished run of the seed's plan: 1,000 requests in 100 s, p95 42 ms, one threshold failed.</summary>
    private static async Task<long> WriteFinishedRunAsync(StoreFixture f, string name = "seed")
    {
        var t = StoreFixture.Now;
        var seconds = Enumerable.Range(0, 100).Select(i => new SecondSnapshot
        {
            Second = i, StartedAt = t.AddSeconds(-200 + i), Requests = new StatusCounts { Status2xx = 9, Status5xx = 1 }, Errors = 1, P50Ms = 10, P95Ms = 42, P99Ms = 80,
        }).ToList();
        var run = new LoadRun
        {
            Plan = DefaultPlans.Baseline(),
            StartedAt = t.AddSeconds(-200),
            EndedAt = t.AddSeconds(-100),
            Status = RunStatus.Completed,
            Seconds = seconds,
            Summary = new RunSummary
            {
                TotalRequests = 1000, Errors = 100, ErrorRate = 0.1, AchievedRate = 10, DurationSeconds = 100,
                ByStatus = new StatusCounts { Status2xx = 900, Status5xx = 100 }, Latency = new LatencyPercentiles { P50Ms = 10, P95Ms = 42, P99Ms = 80, MaxMs = 120 },
            },
            Thresholds = [new ThresholdResult { Expression = "p(95)<500", Measured = 42, Passed = true }, new ThresholdResult { Expression = "rate<0.001", Measured = 0.1, Passed = false }],
        };
        var id = (await f.LoadRuns.StartAsync(name, "load", LoadPlanJson, "ana", "test", t.AddSeconds(-200).ToUnixTimeMilliseconds(), 5, CancellationToken.None))!.Value;
        await f.LoadRuns.FinishAsync(id, LoadRunStatus.Completed, JsonReport.Render(run), JsonReport.Render(run with { Seconds = [] }), null, null,
            t.AddSeconds(-100).ToUnixTimeMilliseconds(), CancellationToken.None);
        return id;
    }

    private static string LoadPlanJson => PlanJson.Write(DefaultPlans.Baseline());

    [Fact]
    public async Task List_NoRuns_SaysSo_AndOffersTheSeedsPlanToOperators()
    {
        await using var context = await PageContext.CreateAsync();

        var page = context.Render<LoadTestsPage>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-runs]")));
        Assert.Contains("ramping-vus", page.Find("textarea[data-testid=plan-json]").GetAttribute("value") ?? page.Find("textarea[data-testid=plan-json]").TextContent);
        Assert.NotEmpty(page.FindAll("[data-testid=start-run]"));
    }

    [Fact]
    public async Task List_WithARun_ShowsItsFigures_AndViewersCannotStartOne()
    {
        await using var context = await PageContext.CreateAsync(async f => await WriteFinishedRunAsync(f), role: "viewer");

        var page = context.Render<LoadTestsPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=run-row]")));
        var row = page.Find("[data-testid=run-row]").TextContent;
        Assert.Contains("1,000", row);
        Assert.Contains("42 ms", row);
        Assert.Contains("10 %", row);
        Assert.Contains("fail", row);
        Assert.Empty(page.FindAll("[data-testid=start-run]"));
    }

    [Fact]
    public async Task Start_ABadPlan_IsRefusedFieldByField_AndNothingRuns()
    {
        await using var context = await PageContext.CreateAsync();
        var page = context.Render<LoadTestsPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=start-run]")));
        var bad = """
            { "name": "bad", "baseUrl": "http://10.1.2.3:8080", "requests": [ { "name": "x", "path": "" } ],
              "scenarios": [ { "name": "s", "executor": "warp-speed" } ] }
            """;

        page.Find("textarea[data-testid=plan-json]").Change(bad);
        page.Find("[data-testid=start-run]").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=start-error]")));
        var error = page.Find("[data-testid=start-error]").TextContent;
        Assert.Contains("10.1.2.3", error);      // not on the allow-list
        Assert.Contains("warp-speed", error);    // unknown executor
        Assert.Contains("path", error);          // a request without a path
        Assert.Contains("Nothing was changed", error);
        Assert.Empty(await context.Fixture.LoadRuns.ListAsync(10, Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Start_NotJson_SaysWhere()
    {
        await using var context = await PageContext.CreateAsync();
        var page = context.Render<LoadTestsPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=start-run]")));

        page.Find("textarea[data-testid=plan-json]").Change("{ \"name\": ");
        page.Find("[data-testid=start-run]").Click();

        page.WaitForAssertion(() => Assert.Contains("not valid JSON", page.Find("[data-testid=start-error]").TextContent));
    }

    [Fact]
    public async Task Run_Finished_ShowsSummaryThresholdsExportsAndLinksOverItsWindow()
    {
        long id = 0;
        await using var context = await PageContext.CreateAsync(async f => id = await WriteFinishedRunAsync(f));

        var page = context.Render<LoadRunPage>(p => p.Add(x => x.RunId, id));

        page.WaitForAssertion(() => Assert.Equal("completed", page.Find("[data-testid=run-status]").TextContent.Trim()));
        Assert.Contains("42 ms", page.Find("[data-testid=latency-row]").TextContent);
        Assert.Equal(["true", "false"], page.FindAll("[data-testid=threshold-row]").Select(r => r.GetAttribute("data-passed")));
        Assert.Contains($"/load/{id}/run.html", page.Find("[data-testid=export-html]").GetAttribute("href"));
        var links = page.Find("[data-testid=run-links]").InnerHtml;
        Assert.Contains("from=2026-11-27T02:56:10Z", links);   // 30 s before the run's start at 02:56:40
        Assert.NotEmpty(page.FindAll("[data-testid=pin-baseline]"));
    }

    [Fact]
    public async Task Run_Running_ShowsProgress_AndAStopForOperators()
    {
        long id = 0;
        await using var context = await PageContext.CreateAsync(async f =>
        {
            id = (await f.LoadRuns.StartAsync("live", "load", LoadPlanJson, "ana", "elsewhere", StoreFixture.Now.ToUnixTimeMilliseconds(), 1, CancellationToken.None))!.Value;
            var second = new SecondSnapshot { Second = 0, StartedAt = StoreFixture.Now, Requests = new StatusCounts { Status2xx = 50 }, P50Ms = 3, P95Ms = 9, P99Ms = 12 };
            var progress = new LoadProgress { ElapsedSeconds = 1, PlannedSeconds = 180, Scenario = "ramp", CurrentRate = 50, Requests = 50, Second = second };
            await f.LoadRuns.RecordSecondAsync(id, 0, System.Text.Json.JsonSerializer.Serialize(second, X0tta6bl4.Ops.Load.LoadJson.Options),
                System.Text.Json.JsonSerializer.Serialize(progress, X0tta6bl4.Ops.Load.LoadJson.Options), StoreFixture.Now.ToUnixTimeMilliseconds(), CancellationToken.None);
        });

        var page = context.Render<LoadRunPage>(p => p.Add(x => x.RunId, id));

        page.WaitForAssertion(() => Assert.Contains("1 of 180 s", page.Find("[data-testid=progress-elapsed]").TextContent));
        Assert.Contains("50 req/s", page.Find("[data-testid=progress-rate]").TextContent);
        page.Find("[data-testid=stop-run]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=action-error]")));
        Assert.True((await context.Fixture.LoadRuns.GetAsync(id, Xunit.TestContext.Current.CancellationToken))!.StopRequested);
    }

    [Fact]
    public async Task Compare_TwoRuns_ShowsEachMetricWithItsVerdict()
    {
        long a = 0, b = 0;
        await using var context = await PageContext.CreateAsync(async f => { a = await WriteFinishedRunAsync(f, "a"); b = await WriteFinishedRunAsync(f, "b"); });

        var page = context.Render<LoadComparePage>($"a={a}&b={b}");

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=comparison-row]")));
        Assert.All(page.FindAll("[data-testid=comparison-row]"), r => Assert.Equal("NoRealChange", r.GetAttribute("data-verdict")));  // the same run twice
    }
}
