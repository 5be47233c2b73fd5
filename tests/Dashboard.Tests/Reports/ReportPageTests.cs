using Bunit;
using X0tta6bl4.Ops.Dashboard.Components.Pages;

namespace X0tta6bl4.Ops.Dashboard.Tests.Reports;

public class ReportPageTests
{
    private const string Day = "window=custom&from=2026-11-26T00:00:00Z&to=2026-11-27T00:00:00Z&compare=previous";

    [Fact]
    public async Task Report_WithData_ShowsTheGradeEverySectionAndTheWorkedFigures()
    {
        await using var context = await PageContext.CreateAsync(ReportFixture.WriteTwoDaysAsync);

        var page = context.Render<ReportPage>(Day);

        page.WaitForAssertion(() => Assert.Contains("Grade F", page.Find("[data-testid=report-grade]").TextContent), TimeSpan.FromSeconds(30));
        foreach (var section in new[] { "api", "database", "redis", "resources", "monitoring", "sla", "bottlenecks", "reliability", "capacity", "recommendations", "conclusion" })
        {
            Assert.NotNull(page.Find($"[data-testid=section-{section}]"));
        }

        var p95 = page.Find("tr[data-figure='api.latency.p95']").TextContent;
        Assert.Contains("400 ms", p95);
        Assert.Contains("95.0 ms", p95);
        Assert.Contains("worse", p95);
        Assert.Contains("not measured", page.Find("tr[data-figure='redis.hit_ratio.mean']").TextContent);
        Assert.Contains("/report.md?window=custom", page.Find("[data-testid=export-md]").GetAttribute("href"));
        Assert.NotNull(page.Find("[data-testid=report-save]"));
    }

    [Fact]
    public async Task Report_NoData_IsIncomplete_AndSaysNotMeasured()
    {
        await using var context = await PageContext.CreateAsync();

        var page = context.Render<ReportPage>(Day);

        page.WaitForAssertion(() => Assert.Contains("Grade incomplete", page.Find("[data-testid=report-grade]").TextContent), TimeSpan.FromSeconds(30));
        Assert.Contains("not measured", page.Find("[data-testid=section-api]").TextContent);
    }

    [Fact]
    public async Task Report_Viewer_CannotSaveOrPin_AndABadWindowIsExplained()
    {
        await using var context = await PageContext.CreateAsync(role: "viewer");

        var page = context.Render<ReportPage>("window=2w");

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=report-grade]")), TimeSpan.FromSeconds(30));
        Assert.Empty(page.FindAll("[data-testid=report-save]"));
        Assert.Empty(page.FindAll("[data-testid=report-pin]"));
        Assert.Contains("Unknown window '2w'", page.Find("[data-testid=report-problem]").TextContent);
    }

    [Fact]
    public async Task SavedReport_OperatorSaves_ItIsListedAndOpensFrozen()
    {
        await using var context = await PageContext.CreateAsync(ReportFixture.WriteTwoDaysAsync);
        var page = context.Render<ReportPage>(Day);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=report-save]")), TimeSpan.FromSeconds(30));

        page.Find("input[data-testid=report-save-name]").Change("the day");
        await page.InvokeAsync(() => page.Find("[data-testid=report-save]").Click());

        page.WaitForAssertion(() => Assert.Contains("Saved as report 1", page.Find("[data-testid=report-change]").TextContent));
        Assert.Contains("the day", page.Find("[data-saved='1']").TextContent);
        var saved = context.Render<ReportPage>("saved=1");
        saved.WaitForAssertion(() => Assert.Contains("saved report 1", saved.Find("[data-testid=report-summary]").TextContent), TimeSpan.FromSeconds(30));
        Assert.Contains("400 ms", saved.Find("tr[data-figure='api.latency.p95']").TextContent);
    }
}
