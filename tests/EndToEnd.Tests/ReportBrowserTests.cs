using Microsoft.Playwright;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>The baseline report in Debian's Chromium: built from what the collector stored, its window and comparison changed, every export downloaded.</summary>
public class ReportBrowserTests
{
    [Fact]
    public async Task Report_ChangesWindowAndComparison_AndDownloadsEveryExport()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(DashboardBrowserTests.StackSettings(), ct);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;

        // Wait for the collector to store a few polls, so the report has figures.
        using var http = dashboard.AuthorizedClient();
        var measured = new System.Text.RegularExpressions.Regex(@"^1,api\.throughput\.mean,[^,]*,req/s,[0-9]", System.Text.RegularExpressions.RegexOptions.Multiline);
        await X0tta6bl4.Ops.Tests.Eventually.UntilAsync(() => http.GetStringAsync("report.csv?window=24h&compare=none", ct), measured.IsMatch,
            TimeSpan.FromSeconds(60), "the report's throughput to be measured", ct);

        await browser.OpenPageAsync(dashboard.BaseAddress, "report");
        await Assertions.Expect(page.Locator("[data-testid=report-grade]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        foreach (var section in new[] { "api", "database", "redis", "resources", "monitoring", "sla", "bottlenecks", "reliability", "capacity", "recommendations", "conclusion" })
        {
            await Assertions.Expect(page.Locator($"[data-testid=section-{section}]")).ToBeVisibleAsync();
        }

        await Assertions.Expect(page.Locator("[data-testid=section-api] tr[data-figure='api.throughput.mean'] td").Nth(1)).Not.ToHaveTextAsync("not measured");
        await browser.AssertFitsTheWindowAsync("the report");

        // The window and the comparison live in the URL.
        await page.Locator("[data-testid=report-window]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Last 7 days" }).ClickAsync();
        // One list at a time: the next select opens only once this one's list has closed.
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=report-compare]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Nothing" }).ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=report-apply]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("window=7d&compare=none"));
        await Assertions.Expect(page.Locator("[data-testid=report-summary]")).ToContainTextAsync("compared with nothing", new() { Timeout = 30_000 });

        // A shared link reproduces the same report.
        var link = page.Url;
        await browser.OpenPageAsync(dashboard.BaseAddress, link);
        await Assertions.Expect(page.Locator("[data-testid=report-summary]")).ToContainTextAsync("compared with nothing", new() { Timeout = 30_000 });
        await browser.ScreenshotAsync("report");

        foreach (var format in new[] { "md", "html", "pdf", "json", "csv" })
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.Locator($"[data-testid=export-{format}]").ClickAsync(), new() { Timeout = 60_000 });
            var path = Path.Combine(Path.GetTempPath(), $"x0-report-e2e-{Guid.NewGuid():N}.{format}");
            await download.SaveAsAsync(path);
            var bytes = await File.ReadAllBytesAsync(path, ct);
            File.Delete(path);
            Assert.True(bytes.Length > 500, $"the {format} export has {bytes.Length} bytes");
            if (format == "pdf")
            {
                Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
            }
            else
            {
                Assert.Contains("Capacity", System.Text.Encoding.UTF8.GetString(bytes));
            }
        }

        Assert.Empty(browser.ConsoleErrors);
    }
}
