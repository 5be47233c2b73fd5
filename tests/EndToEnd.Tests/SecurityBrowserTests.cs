using Microsoft.Playwright;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>The pages as served (Production) pass their own Content-Security-Policy in Chromium: Blazor's circuit, MudBlazor and Plotly included.</summary>
public class SecurityBrowserTests
{
    [Fact]
    public async Task EveryPage_RunsUnderItsContentSecurityPolicy_WithNoViolation()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dashboard = await DashboardProcess.StartAsync(DashboardBrowserTests.StackSettings(), ct);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        var policies = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document")
            {
                lock (policies)
                {
                    policies.Add(response.Headers.TryGetValue("content-security-policy", out var csp) ? csp : "(none) " + response.Url);
                }
            }
        };

        foreach (var (path, chart) in new (string, string?)[]
        {
            ("", null), ("api?job=api", "latency-chart"), ("database", "transactions-chart"), ("cache", "ops-chart"),
            ("resources", "cpu-chart"), ("targets", "series-chart"), ("alerts", null), ("sla?job=api&window=1h", "budget-chart"),
            ("capacity", null), ("load", null), ("report", null),
        })
        {
            await browser.OpenPageAsync(dashboard.BaseAddress, path);
            if (chart is not null)
            {
                // Plotly has drawn: its script ran and its styles were applied under the policy.
                await page.WaitForSelectorAsync($"[data-testid={chart}] .js-plotly-plot .main-svg", new() { Timeout = 45_000 });
            }
        }

        // A page opened by a client-side navigation too (the circuit, not a document load).
        await page.Locator("a[href='/targets']").First.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("targets"));

        Assert.Empty(browser.ConsoleErrors);
        Assert.NotEmpty(policies);
        Assert.All(policies, p => Assert.Equal(X0tta6bl4.Ops.Dashboard.Hosting.SecurityHeaders.ContentSecurityPolicy, p));
    }
}
