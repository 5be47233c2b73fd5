using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using X0tta6bl4.Ops.Collector.Alerts;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>
/// The burn-rate rules on the SLA's objectives (99 % availability and latency, p95 under 200 ms), with worked
/// numbers: burn rate = bad share ÷ (1 − 0.99).
/// </summary>
public sealed class SloBurnAlertTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-burn-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed record Rig(FakeTimeProvider Time, SqliteMetricStore Store, SqlAlertStore Alerts, AlertEvaluator Evaluator);

    private async Task<Rig> OpenAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, "m.db");
        var (store, alerts, settings) = (await SqliteMetricStore.OpenAsync(path, ct), await SqlAlertStore.OpenSqliteAsync(path, ct), await SqlSettingsStore.OpenSqliteAsync(path, ct));
        var rules = new AlertRules(Microsoft.Extensions.Options.Options.Create(new AlertOptions()),
            new SlaTargets(Microsoft.Extensions.Options.Options.Create(new SlaOptions()), settings), settings);
        var time = new FakeTimeProvider(Now);
        return new Rig(time, store, alerts, new AlertEvaluator(store, alerts, rules, null, time, NullLogger<AlertEvaluator>.Instance, TimeSpan.FromSeconds(15)));
    }

    /// <summary>
    /// One poll a minute from <paramref name="from"/> to <paramref name="to"/> (exclusive): 100 req/s of which
    /// <paramref name="errorPercent"/> are 5xx, and a p95 of <paramref name="p95Seconds"/>.
    /// </summary>
    private static async Task WriteAsync(SqliteMetricStore store, DateTimeOffset from, DateTimeOffset to, double errorPercent, double p95Seconds)
    {
        SeriesKey Key(string name, params (string, string)[] labels) => SeriesKey.Of(name, [.. labels, ("job", "api"), ("source", "scrape")]);
        var (ok, failed, p95) = (Key(CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), Key(CanonicalSeries.ApiRequestsPerSecond, ("class", "5xx")),
            Key(CanonicalSeries.ApiLatencySeconds, ("quantile", "0.95")));
        var samples = new List<SeriesSample>();
        for (var t = from; t < to; t = t.AddMinutes(1))
        {
            var ms = t.ToUnixTimeMilliseconds();
            samples.AddRange([new(ok, ms, 100 - errorPercent), new(failed, ms, errorPercent), new(p95, ms, p95Seconds)]);
        }

        foreach (var chunk in samples.Chunk(3000))
        {
            await store.WriteAsync(chunk, TestContext.Current.CancellationToken);
        }
    }

    private static async Task<IReadOnlyList<AlertRecord>> OpenBurnAlertsAsync(Rig rig) =>
        (await rig.Alerts.OpenAlertsAsync(TestContext.Current.CancellationToken)).Where(a => a.RuleId.StartsWith("slo-burn", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task FivePercentErrorsForThreeDays_AgainstNinetyNinePercent_IsBurnRateFive_TicketNotPage()
    {
        var rig = await OpenAsync();
        await WriteAsync(rig.Store, Now.AddHours(-73), Now, errorPercent: 5, p95Seconds: 0.1);

        await rig.Evaluator.EvaluateAsync(TestContext.Current.CancellationToken);

        // 5 % ÷ 1 % = 5 on every window: over 3 (1 d / 2 h) and 1 (3 d / 6 h), under 14.4 and 6.
        var alert = Assert.Single(await OpenBurnAlertsAsync(rig));
        Assert.Equal((AlertRule.SloBurnTicket, "warning", AlertState.Firing), (alert.RuleId, alert.Severity, alert.State));
        Assert.Equal("job=\"api\",objective=\"availability\",source=\"scrape\"", alert.Labels);
        // The worst ticket pair is 3 d / 6 h: 5 ÷ 1.
        Assert.Equal(5, alert.Value!.Value, 9);
        Assert.Contains("The 3 d / 6 h pair: burn rate 5× over 3 d and 5× over 6 h (threshold 1×)", alert.Detail);
        // Over the 73 hours of data 5 % failed: the 30-day budget, 1 %, is overspent five times over (left: 1 − 5).
        Assert.Contains("-400 % of the 30-day error budget left", alert.Detail);
    }

    [Fact]
    public async Task AnHourOfTwentyPercentErrors_PagesOnTheOneHourPair_AndResolvesWhenTheShortWindowRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        var rig = await OpenAsync();
        await WriteAsync(rig.Store, Now.AddHours(-73), Now.AddHours(-1), errorPercent: 0, p95Seconds: 0.1);
        await WriteAsync(rig.Store, Now.AddHours(-1), Now, errorPercent: 20, p95Seconds: 0.1);

        await rig.Evaluator.EvaluateAsync(ct);

        // 1 h and 5 min: 20 % ÷ 1 % = 20 > 14.4. 6 h: 20 ÷ 6 = 3.3 < 6; 1 d: 0.83 < 3; 3 d: 0.28 < 1: no ticket.
        var page = Assert.Single(await OpenBurnAlertsAsync(rig));
        Assert.Equal((AlertRule.SloBurnPage, "critical", AlertState.Firing), (page.RuleId, page.Severity, page.State));
        Assert.Contains("The 1 h / 5 min pair: burn rate 20× over 1 h and 20× over 5 min (threshold 14.4×)", page.Detail);

        // Ten quiet minutes: the 5-min window burns 0, so the page resolves though the hour still burns 16.7.
        await WriteAsync(rig.Store, Now, Now.AddMinutes(10), errorPercent: 0, p95Seconds: 0.1);
        rig.Time.Advance(TimeSpan.FromMinutes(10));
        await rig.Evaluator.EvaluateAsync(ct);

        Assert.Empty(await OpenBurnAlertsAsync(rig));
        var history = await rig.Alerts.ListAsync(Now.AddHours(-1).ToUnixTimeMilliseconds(), rig.Time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        Assert.Equal(AlertState.Resolved, history.Single(a => a.Id == page.Id).State);
    }

    [Fact]
    public async Task AnHourOfSlowP95_BurnsTheLatencyObjective_AndPages()
    {
        var rig = await OpenAsync();
        await WriteAsync(rig.Store, Now.AddHours(-73), Now.AddHours(-1), errorPercent: 0, p95Seconds: 0.1);
        await WriteAsync(rig.Store, Now.AddHours(-1), Now, errorPercent: 0, p95Seconds: 0.35);

        await rig.Evaluator.EvaluateAsync(TestContext.Current.CancellationToken);

        // Every step of the last hour missed 200 ms: 100 % ÷ 1 % = 100 over 1 h and 5 min; 6 h: 16.7 > 6 too.
        var alerts = await OpenBurnAlertsAsync(rig);
        var page = Assert.Single(alerts, a => a.RuleId == AlertRule.SloBurnPage);
        Assert.Equal("job=\"api\",objective=\"latency\",source=\"scrape\"", page.Labels);
        Assert.Contains("latency objective 99 % of the time with p95 under 200 ms", page.Detail);
        // 1 d: 1 h of 24 bad = 4.17 > 3, and the 2-h window 50 > 3: a ticket as well, as the workbook's rules would.
        Assert.Contains(alerts, a => a.RuleId == AlertRule.SloBurnTicket && a.Labels == page.Labels);
    }

    [Fact]
    public async Task NoRequestData_FiresNothing()
    {
        var rig = await OpenAsync();

        await rig.Evaluator.EvaluateAsync(TestContext.Current.CancellationToken);

        Assert.Empty(await OpenBurnAlertsAsync(rig));
    }
}
