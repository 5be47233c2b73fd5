using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Dashboard.Components.Pages;
using X0tta6bl4.Ops.Dashboard.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests;

public sealed class OverviewPageTests : IAsyncDisposable
{
    private readonly BunitContext _context = new();
    private StoreFixture? _fixture;

    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        if (_fixture is not null)
        {
            await _fixture.DisposeAsync();
        }
    }

    private async Task<IRenderedComponent<Overview>> RenderAsync(Func<StoreFixture, Task> arrange)
    {
        _fixture = await StoreFixture.CreateAsync();
        await arrange(_fixture);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<TimeProvider>(_fixture.Time);
        _context.Services.AddSingleton(_fixture.Reader);
        _context.Services.AddSingleton(_fixture.OverviewQuery());
        _context.Render<MudPopoverProvider>();
        return _context.Render<Overview>();
    }

    [Fact]
    public async Task WithData_ShowsTheStoredFiguresAndTheirFreshness()
    {
        var page = await RenderAsync(f => f.WriteApiAsync());

        page.WaitForAssertion(() =>
        {
            Assert.Equal("250 ms", page.Find("[data-testid=tile-p95] .tile-value").TextContent.Trim());
            Assert.Equal("Breach", page.Find("[data-testid=tile-p95]").GetAttribute("data-status"));
            Assert.Equal("20.00 req/s", page.Find("[data-testid=tile-rps] .tile-value").TextContent.Trim());
            Assert.Equal("10.00 %", page.Find("[data-testid=tile-errors] .tile-value").TextContent.Trim());
            Assert.Contains("12 s ago", page.Find("[data-testid=tile-p99] .tile-freshness").TextContent);
        });
        Assert.NotNull(page.Find("[data-testid=latency-chart]"));
        // p50 and p95 have one sample each, p99 two.
        Assert.Equal("4", page.Find("[data-testid=latency-chart]").GetAttribute("data-points"));
    }

    [Fact]
    public async Task NoData_SaysSoInsteadOfShowingZeros()
    {
        var page = await RenderAsync(_ => Task.CompletedTask);

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-data]")));
        Assert.All(page.FindAll("[data-testid^=tile-]"), t => Assert.Equal("Missing", t.GetAttribute("data-status")));
        Assert.DoesNotContain("0.00", page.Markup);
    }

    [Fact]
    public async Task SourceDown_IsListedWithItsError()
    {
        var page = await RenderAsync(f => f.RecordPollAsync("scrape/api", "http://127.0.0.1:58080/metrics", StoreFixture.Now.AddSeconds(-3),
            "GET http://127.0.0.1:58080/metrics failed: Connection refused (127.0.0.1:58080)"));

        page.WaitForAssertion(() =>
        {
            var row = page.Find("[data-source='scrape/api']");
            Assert.Equal(nameof(SourceState.Down), row.GetAttribute("data-state"));
            Assert.Contains("Connection refused", row.TextContent);
            Assert.Contains("never", row.TextContent);
        });
    }

    [Fact]
    public async Task FiringAlerts_AreShownAtTheTop()
    {
        var page = await RenderAsync(async f =>
        {
            var id = await f.Alerts.StartAsync("latency-p99", "critical", "job=\"api\"", StoreFixture.Now.ToUnixTimeMilliseconds() - 400_000, 0.6);
            await f.Alerts.FireAsync(id, StoreFixture.Now.ToUnixTimeMilliseconds() - 100_000, 0.7);
            await f.Alerts.StartAsync("cpu", "warning", "pod=\"p\"", StoreFixture.Now.ToUnixTimeMilliseconds() - 10_000, 600); // pending only
        });

        page.WaitForAssertion(() => Assert.Contains("1 alert(s) firing", page.Find("[data-testid=firing-alerts]").TextContent));
        Assert.Contains("latency-p99", page.Find("[data-testid=firing-alerts]").TextContent);
        Assert.DoesNotContain("cpu", page.Find("[data-testid=firing-alerts]").TextContent);
    }
}
