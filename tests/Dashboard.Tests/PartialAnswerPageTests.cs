using Bunit;
using X0tta6bl4.Ops.Dashboard.Components.Pages;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// A poll answered partially (a distributed engine's warnings or isPartial), as the collector writes it: the source's
/// state with the warnings, the poll's samples, and a source_partial mark at the poll's timestamp.
/// </summary>
public sealed class PartialAnswerPageTests
{
    private const string Warning = "partial response: some storage nodes did not answer (isPartial) (41 of 41 queries, for api_latency_seconds)";

    private static readonly long Poll = StoreFixture.Now.AddSeconds(-5).ToUnixTimeMilliseconds();

    private static async Task ArrangeAsync(StoreFixture fixture, bool lastPollPartial)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var earlier = Poll - 15_000;
        SeriesKey Prometheus(string name, params (string, string)[] labels) => SeriesKey.Of(name, [.. labels, ("source", "prometheus")]);
        await fixture.Store.WriteAsync(
        [
            new(Prometheus(CanonicalSeries.PrometheusSeries, ("instance", "127.0.0.1:9090")), Poll, 5_000),
            new(Prometheus(CanonicalSeries.PrometheusIngestPerSecond, ("instance", "127.0.0.1:9090")), earlier, 330),
            new(Prometheus(CanonicalSeries.ApiLatencySeconds, ("job", "api"), ("quantile", "0.95")), Poll, 0.120),
            new(Prometheus(CanonicalSeries.PodMemoryBytes, ("job", "api"), ("pod", "10.0.0.1:8080")), Poll, 200 * 1048576.0),
            new(Prometheus(CanonicalSeries.PodCpuMillicores, ("job", "api"), ("pod", "10.0.0.1:8080")), earlier, 40),
            new(SeriesKey.Of(CanonicalSeries.SourcePartial, ("source", "prometheus")), Poll - 15_000 * (lastPollPartial ? 0 : 1), 1),
        ], ct);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Poll);
        if (!lastPollPartial)
        {
            await fixture.State.RecordPollAsync(Status(at.AddSeconds(-15)) with { Warnings = [Warning] }, ct);
        }

        await fixture.State.RecordPollAsync(lastPollPartial ? Status(at) with { Warnings = [Warning] } : Status(at), ct);
    }

    private static SourceStatus Status(DateTimeOffset at) =>
        new("prometheus", "http://mimir:8080/prometheus", SourceState.Up, at, at, null, TimeSpan.FromMilliseconds(80), 70)
        {
            Interval = TimeSpan.FromSeconds(15),
            Collector = "test-collector",
        };

    [Fact]
    public async Task Targets_PartialPoll_ShowsItsWarnings_AndMarksTheFiguresOfThatPollOnly()
    {
        await using var context = await PageContext.CreateAsync(f => ArrangeAsync(f, lastPollPartial: true));

        var page = context.Render<TargetsPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=source-row]")));
        var row = page.Find("[data-testid=source-row][data-source=prometheus]");
        Assert.Equal("true", row.GetAttribute("data-partial"));
        Assert.Contains("up · partial", row.TextContent);
        Assert.Equal(Warning, row.QuerySelector("[data-testid=source-warnings] li")!.TextContent.Trim());
        var series = page.Find("[data-testid=tile-series]");
        Assert.Equal("true", series.GetAttribute("data-partial"));
        Assert.Contains("partial · ", series.QuerySelector(".tile-freshness")!.TextContent);
        // The ingest figure is from the poll before: complete.
        Assert.Null(page.Find("[data-testid=tile-ingest]").GetAttribute("data-partial"));
    }

    [Fact]
    public async Task Targets_PollAfterAPartialOne_IsNotPartial_AndSaysWhenTheLastPartialAnswerWas()
    {
        await using var context = await PageContext.CreateAsync(f => ArrangeAsync(f, lastPollPartial: false));

        var page = context.Render<TargetsPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=source-row]")));
        var row = page.Find("[data-testid=source-row][data-source=prometheus]");
        Assert.Equal("false", row.GetAttribute("data-partial"));
        Assert.Empty(row.QuerySelectorAll("[data-testid=source-warnings]"));
        Assert.Contains("last partial answer 20 s ago", row.TextContent);
        Assert.Null(page.Find("[data-testid=tile-series]").GetAttribute("data-partial"));
    }

    [Fact]
    public async Task Overview_PartialPoll_MarksTheJobsFiguresFromThatPoll()
    {
        await using var context = await PageContext.CreateAsync(f => ArrangeAsync(f, lastPollPartial: true));

        var page = context.Render<Overview>();

        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=tile-p95]").GetAttribute("data-partial")));
        Assert.Equal("true", page.Find("[data-testid=tile-memory]").GetAttribute("data-partial"));
        // CPU's newest sample is from the complete poll before.
        Assert.Null(page.Find("[data-testid=tile-cpu]").GetAttribute("data-partial"));
    }
}
