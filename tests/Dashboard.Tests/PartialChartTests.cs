using Bunit;
using Plotly.Blazor;
using X0tta6bl4.Ops.Dashboard.Components.Pages;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// Charts marked where their points include polls with warnings: the Prometheus source polled every 15 s over the
/// last 15 minutes (a chart step of 30 s holds two polls), with some polls marked partial (source_partial) as the
/// collector writes them.
/// </summary>
public sealed class PartialChartTests
{
    private static readonly TimeRange Range = TimeRange.Preset("15m", StoreFixture.Now);

    private static readonly IReadOnlyList<DateTime> Grid = SeriesReader.GridOf(Range);

    /// <summary>Steps of the grid without any data: the Api was not polled then.</summary>
    private static readonly int[] Missing = [20, 21];

    private static long StepMs(int step) => new DateTimeOffset(Grid[step], TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static async Task ArrangeAsync(StoreFixture fixture, params int[] partialSteps)
    {
        SeriesKey Prometheus(string name, params (string, string)[] labels) => SeriesKey.Of(name, [.. labels, ("source", "prometheus")]);
        var samples = new List<SeriesSample>();
        for (var step = 0; step < Grid.Count - 1; step++)
        {
            if (Missing.Contains(step))
            {
                continue;
            }

            foreach (var poll in new[] { StepMs(step) + 1_000, StepMs(step) + 16_000 })
            {
                samples.Add(new(Prometheus(CanonicalSeries.ApiLatencySeconds, ("job", "api"), ("quantile", "0.95")), poll, 0.120));
                samples.Add(new(Prometheus(CanonicalSeries.ApiRequestsPerSecond, ("job", "api"), ("class", "2xx")), poll, 40));
                samples.Add(new(Prometheus(CanonicalSeries.PodMemoryBytes, ("job", "api"), ("pod", "10.0.0.1:8080")), poll, 200 * 1048576.0));
            }
        }

        // One warning on the second poll of each partial step.
        samples.AddRange(partialSteps.Select(step => new SeriesSample(SeriesKey.Of(CanonicalSeries.SourcePartial, ("source", "prometheus")), StepMs(step) + 16_000, 1)));
        await fixture.Store.WriteAsync(samples, Xunit.TestContext.Current.CancellationToken);
    }

    private static IReadOnlyList<Plotly.Blazor.LayoutLib.Shape> Shapes(IRenderedComponent<Overview> page, string testId) =>
        page.FindComponents<PlotlyChart>().Single(c => c.Instance.Id == testId).Instance.Layout.Shapes?.ToList() ?? [];

    [Fact]
    public async Task Overview_TwoNeighbouringPartialSteps_MarkedOnBothCharts_AsOneShadedSpan()
    {
        await using var context = await PageContext.CreateAsync(f => ArrangeAsync(f, 10, 11));

        var page = context.Render<Overview>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=latency-chart-partial]")));
        var chip = page.Find("[data-testid=latency-chart-partial]");
        Assert.Equal("partial data from prometheus at 2 points", chip.TextContent.Trim());
        Assert.Equal("2", page.Find("[data-testid=latency-chart]").GetAttribute("data-partial-points"));
        Assert.Equal("partial data from prometheus at 2 points", page.Find("[data-testid=throughput-chart-partial]").TextContent.Trim());

        // One band from half a step before the first marked point to half a step after the second, full height.
        var shape = Assert.Single(Shapes(page, "latency-chart"));
        Assert.Equal(Grid[10].AddSeconds(-15), (DateTime)shape.X0!);
        Assert.Equal(Grid[11].AddSeconds(15), (DateTime)shape.X1!);
        Assert.Equal("paper", shape.YRef);
        Assert.Single(Shapes(page, "throughput-chart"));
    }

    [Fact]
    public async Task Overview_PartialStepsApart_TwoSpans()
    {
        await using var context = await PageContext.CreateAsync(f => ArrangeAsync(f, 3, 10, 11));

        var page = context.Render<Overview>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=latency-chart-partial]")));
        Assert.Equal("3", page.Find("[data-testid=latency-chart-partial]").GetAttribute("data-points"));
        Assert.Equal([Grid[3].AddSeconds(-15), Grid[10].AddSeconds(-15)], Shapes(page, "latency-chart").Select(s => (DateTime)s.X0!));
    }

    [Fact]
    public async Task Overview_NoPollWithWarnings_NoMark()
    {
        await using var context = await PageContext.CreateAsync(f => ArrangeAsync(f));

        var page = context.Render<Overview>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=latency-chart]")));
        Assert.Empty(page.FindAll("[data-testid$=-partial]"));
        Assert.Null(page.Find("[data-testid=latency-chart]").GetAttribute("data-partial-points"));
        Assert.Empty(Shapes(page, "latency-chart"));
    }

    [Fact]
    public async Task Overview_MarkWhereTheChartHasNoData_StaysAGap_NotPartial()
    {
        // A partial poll in a step where the job's figures are missing (its own series were not in the answer).
        await using var context = await PageContext.CreateAsync(f => ArrangeAsync(f, Missing[0]));

        var page = context.Render<Overview>();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=latency-chart]")));
        Assert.Empty(page.FindAll("[data-testid$=-partial]"));
        Assert.Empty(Shapes(page, "latency-chart"));
        var model = await context.Fixture.OverviewQuery().LoadAsync("api", Range, cancellationToken: Xunit.TestContext.Current.CancellationToken);
        Assert.Null(model.Latency.Single().Y[Missing[0]]);
        Assert.Null(model.LatencyPartial);
    }

    [Fact]
    public async Task Api_PartialStep_MarkedOnItsThreeCharts()
    {
        await using var context = await PageContext.CreateAsync(f => ArrangeAsync(f, 5));

        var page = context.Render<ApiPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=latency-chart-partial]")));
        foreach (var chart in new[] { "latency-chart", "status-chart", "throughput-chart" })
        {
            Assert.Equal("partial data from prometheus at 1 point", page.Find($"[data-testid={chart}-partial]").TextContent.Trim());
        }
    }

    [Fact]
    public async Task Resources_PartialStep_MarkedOnTheChartOfTheJobsItsSourceServes()
    {
        await using var context = await PageContext.CreateAsync(async f =>
        {
            await ArrangeAsync(f, 5, Missing[0]);
            // A second job from the direct scrape, which never warns, with data where the Prometheus job has none: its
            // points are not partial, though Prometheus's poll in that step was.
            await f.Store.WriteAsync(Enumerable.Range(0, Grid.Count - 1).Select(step => new SeriesSample(
                SeriesKey.Of(CanonicalSeries.PodMemoryBytes, ("job", "worker"), ("pod", "10.0.0.2:8080"), ("source", "scrape")), StepMs(step) + 2_000, 100 * 1048576.0)).ToList(),
                Xunit.TestContext.Current.CancellationToken);
        });

        var page = context.Render<ResourcesPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=memory-chart-partial]")));
        Assert.Equal("partial data from prometheus at 1 point", page.Find("[data-testid=memory-chart-partial]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=cpu-chart-partial]"));
    }
}
