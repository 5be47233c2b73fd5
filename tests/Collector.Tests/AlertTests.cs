using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using X0tta6bl4.Ops.Collector.Alerts;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Collector.Tests;

public sealed class AlertTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-alerts-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The rules in force over the store's settings table, as the host wires them (configuration empty: the seed's SLA).</summary>
    private static AlertRules Rules(SqlSettingsStore settings, AlertOptions? configured = null) =>
        new(Microsoft.Extensions.Options.Options.Create(configured ?? new AlertOptions()),
            new SlaTargets(Microsoft.Extensions.Options.Options.Create(new SlaOptions()), settings), settings);

    /// <summary>A store file of the test's own with the alert and settings tables, and a fixed clock at 03:00.</summary>
    private async Task<(FakeTimeProvider Time, SqliteMetricStore Store, SqlAlertStore Alerts, SqlSettingsStore Settings)> OpenAsync(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, name);
        return (new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 3, 0, 0, TimeSpan.Zero)), await SqliteMetricStore.OpenAsync(path, ct),
            await SqlAlertStore.OpenSqliteAsync(path, ct), await SqlSettingsStore.OpenSqliteAsync(path, ct));
    }

    private static AlertEvaluator Evaluator(SqliteMetricStore store, SqlAlertStore alerts, SqlSettingsStore settings, TimeProvider time) =>
        new(store, alerts, Rules(settings), null, time, NullLogger<AlertEvaluator>.Instance, TimeSpan.FromSeconds(15));

    [Theory]
    [InlineData(null, true, 0, AlertState.Pending, AlertTransition.Started)]
    [InlineData(AlertState.Pending, true, 299_999, AlertState.Pending, AlertTransition.None)]   // held 4:59.999 of 5:00
    [InlineData(AlertState.Pending, true, 300_000, AlertState.Firing, AlertTransition.Fired)]
    [InlineData(AlertState.Firing, true, 900_000, AlertState.Firing, AlertTransition.None)]
    [InlineData(AlertState.Firing, false, 900_000, null, AlertTransition.Resolved)]
    [InlineData(AlertState.Pending, false, 60_000, null, AlertTransition.Cleared)]             // never fired: no alert
    [InlineData(AlertState.Firing, null, 900_000, AlertState.Firing, AlertTransition.None)]  // no data is not a recovery
    [InlineData(null, false, 0, null, AlertTransition.None)]
    public void Step_FollowsPendingFiringResolved(AlertState? current, bool? holds, long heldMs, AlertState? next, AlertTransition transition)
    {
        var result = AlertStateMachine.Step(current, 1_000_000, holds, TimeSpan.FromMinutes(5), 1_000_000 + heldMs);

        Assert.Equal((next, transition), result);
    }

    [Fact]
    public void DerivedSeries_ErrorRatioAndPoolUsage_ComeFromTheSamePoll()
    {
        SeriesKey Key(string name, params (string, string)[] labels) => SeriesKey.Of(name, [.. labels, ("job", "api"), ("source", "scrape")]);
        var samples = new List<SeriesSample>
        {
            new(Key(CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), 1000, 95),
            new(Key(CanonicalSeries.ApiRequestsPerSecond, ("class", "5xx")), 1000, 5),
            new(Key(CanonicalSeries.DbPoolConnections, ("pod", "p"), ("state", "busy")), 1000, 17),
            new(Key(CanonicalSeries.DbPoolMaxConnections, ("pod", "p")), 1000, 20),
        };

        var derived = DerivedSeries.From(samples);

        Assert.Equal(0.05, derived.Single(d => d.Key.Name == DerivedSeries.ApiErrorRatio).Value, 12);
        Assert.Equal(0.85, derived.Single(d => d.Key.Name == DerivedSeries.DbPoolUsageRatio).Value, 12);
    }

    [Fact]
    public async Task Evaluator_LatencyOverTargetForFiveMinutes_GoesPendingFiringResolved_AndIsAcknowledgedOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var (time, store, alerts, settings) = await OpenAsync("m.db");
        var evaluator = Evaluator(store, alerts, settings, time);
        var p95 = SeriesKey.Of(CanonicalSeries.ApiLatencySeconds, ("job", "api"), ("quantile", "0.95"), ("source", "scrape"));
        async Task At(double seconds)
        {
            await store.WriteAsync([new SeriesSample(p95, time.GetUtcNow().ToUnixTimeMilliseconds(), seconds)], ct);
            await evaluator.EvaluateAsync(ct);
        }

        await At(0.350);                                   // 03:00 over 200 ms: pending
        var pending = (await alerts.ListAsync(0, long.MaxValue, ct)).Single();
        time.Advance(TimeSpan.FromMinutes(5));
        await At(0.300);                                   // 03:05 still over, held 5 min: firing
        var firing = (await alerts.ListAsync(0, long.MaxValue, ct)).Single();
        var acked = await alerts.AcknowledgeAsync(firing.Id, "oncall@x0tta6bl4", "Looking at the DB pool", time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        var again = await alerts.AcknowledgeAsync(firing.Id, "someone else", "me too", time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        time.Advance(TimeSpan.FromMinutes(2));
        await At(0.120);                                   // 03:07 back under: resolved
        var resolved = (await alerts.ListAsync(0, long.MaxValue, ct)).Single();

        Assert.Equal(AlertState.Pending, pending.State);
        Assert.Equal(AlertState.Firing, firing.State);
        Assert.Equal(firing.StartedMs + 300_000, firing.FiredMs);
        Assert.True(acked);
        Assert.False(again);
        Assert.Equal(AlertState.Resolved, resolved.State);
        Assert.Equal(resolved.StartedMs + 420_000, resolved.ResolvedMs);
        Assert.Equal("oncall@x0tta6bl4", resolved.AckedBy);
        Assert.Equal("Looking at the DB pool", resolved.AckComment);
    }

    [Fact]
    public async Task Evaluator_OneFailedPollUnderTheRulesFor_LeavesNoAlert_ButAnAcknowledgedPendingOneIsKeptResolved()
    {
        var ct = TestContext.Current.CancellationToken;
        var (time, store, alerts, settings) = await OpenAsync("flap.db");
        var evaluator = Evaluator(store, alerts, settings, time);
        var up = SeriesKey.Of(CanonicalSeries.SourceUp, ("source", "redis/redis"));
        async Task Poll(double value)
        {
            await store.WriteAsync([new SeriesSample(up, time.GetUtcNow().ToUnixTimeMilliseconds(), value)], ct);
            await evaluator.EvaluateAsync(ct);
            time.Advance(TimeSpan.FromSeconds(15));
        }

        await Poll(0);                                     // one failed poll: pending (source-down's for is 1 min)
        var pending = (await alerts.ListAsync(0, long.MaxValue, ct)).Single();
        await Poll(1);                                     // the next one answers: cleared, not resolved
        var afterFlap = await alerts.ListAsync(0, long.MaxValue, ct);
        await Poll(0);                                     // pending again, and acknowledged while pending
        var second = (await alerts.ListAsync(0, long.MaxValue, ct)).Single();
        await alerts.AcknowledgeAsync(second.Id, "oncall", "watching", time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        await Poll(1);

        Assert.Equal(AlertState.Pending, pending.State);
        Assert.Empty(afterFlap);
        var kept = (await alerts.ListAsync(0, long.MaxValue, ct)).Single();
        Assert.Equal(second.Id, kept.Id);
        Assert.Equal(AlertState.Resolved, kept.State);
        Assert.Equal("watching", kept.AckComment);
    }

    [Fact]
    public async Task Evaluator_StaleData_NeitherStartsNorResolves()
    {
        var ct = TestContext.Current.CancellationToken;
        var (time, store, alerts, settings) = await OpenAsync("stale.db");
        var evaluator = Evaluator(store, alerts, settings, time);
        await store.WriteAsync([new SeriesSample(SeriesKey.Of(CanonicalSeries.SourceUp, ("source", "redis/redis")), time.GetUtcNow().ToUnixTimeMilliseconds(), 0)], ct);
        await evaluator.EvaluateAsync(ct);

        time.Advance(TimeSpan.FromMinutes(10)); // the source's state stops being written: no data
        await evaluator.EvaluateAsync(ct);

        Assert.Equal(AlertState.Pending, (await alerts.ListAsync(0, long.MaxValue, ct)).Single().State);
    }

    [Fact]
    public async Task Evaluator_FollowsOperatorsRuleChanges_WithoutARestart()
    {
        var ct = TestContext.Current.CancellationToken;
        var (time, store, alerts, settings) = await OpenAsync("rules.db");
        var evaluator = Evaluator(store, alerts, settings, time);
        var rules = Rules(settings);
        var p95 = SeriesKey.Of(CanonicalSeries.ApiLatencySeconds, ("job", "api"), ("quantile", "0.95"), ("source", "scrape"));

        // 250 ms, but an operator raised the p95 threshold to 300 ms: nothing starts.
        await rules.SaveAsync(new RuleOverrides(new() { ["latency-p95"] = new AlertOptions.RuleOverride { Threshold = 0.3 } }, null, null), "ana", 0, ct);
        await store.WriteAsync([new SeriesSample(p95, time.GetUtcNow().ToUnixTimeMilliseconds(), 0.25)], ct);
        await evaluator.EvaluateAsync(ct);
        var quiet = await alerts.ListAsync(0, long.MaxValue, ct);

        // Back to 200 ms with no wait: it fires at once.
        await rules.SaveAsync(new RuleOverrides(new() { ["latency-p95"] = new AlertOptions.RuleOverride { ForSeconds = 0 } }, null, null), "ana", 0, ct);
        await evaluator.EvaluateAsync(ct);
        var fired = await alerts.ListAsync(0, long.MaxValue, ct);

        Assert.Empty(quiet);
        Assert.Equal(AlertState.Firing, fired.Single().State);
    }

    [Fact]
    public async Task Evaluator_RaisedSlaTarget_MovesTheRuleThreshold_UnlessAnOperatorPinnedIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var (time, store, alerts, settings) = await OpenAsync("sla.db");
        var sla = new SlaTargets(Microsoft.Extensions.Options.Options.Create(new SlaOptions()), settings);
        var rules = Rules(settings);
        var evaluator = Evaluator(store, alerts, settings, time);
        var p95 = SeriesKey.Of(CanonicalSeries.ApiLatencySeconds, ("job", "api"), ("quantile", "0.95"), ("source", "scrape"));

        // An operator raises the SLA's p95 target to 300 ms on the SLA page: 250 ms no longer starts an alert.
        await sla.SaveAsync(new SlaSettings(new() { ["p95"] = 300 }, [], null, null), "ana", 0, ct);
        var followed = (await rules.LoadAsync(ct)).Rules.Single(r => r.Rule.Id == "latency-p95");
        await store.WriteAsync([new SeriesSample(p95, time.GetUtcNow().ToUnixTimeMilliseconds(), 0.25)], ct);
        await evaluator.EvaluateAsync(ct);
        var quiet = await alerts.ListAsync(0, long.MaxValue, ct);

        // A threshold an operator pinned on the rule wins over the SLA target.
        await rules.SaveAsync(new RuleOverrides(new() { ["latency-p95"] = new AlertOptions.RuleOverride { Threshold = 0.2 } }, null, null), "bo", 0, ct);
        var pinned = (await rules.LoadAsync(ct)).Rules.Single(r => r.Rule.Id == "latency-p95");
        await evaluator.EvaluateAsync(ct);

        Assert.Equal((0.3, ThresholdOrigin.SlaTarget), (followed.Rule.Threshold, followed.ThresholdFrom));
        Assert.Empty(quiet);
        Assert.Equal((0.2, ThresholdOrigin.Operator), (pinned.Rule.Threshold, pinned.ThresholdFrom));
        Assert.Equal(AlertState.Pending, (await alerts.ListAsync(0, long.MaxValue, ct)).Single().State);
    }

    [Fact]
    public async Task Evaluator_TakenOverByAnotherInstance_CarriesOnTheSameAlertInsteadOfStartingASecond()
    {
        var ct = TestContext.Current.CancellationToken;
        var (time, store, alerts, settings) = await OpenAsync("takeover.db");
        var up = SeriesKey.Of(CanonicalSeries.SourceUp, ("source", "redis/redis"));

        await store.WriteAsync([new SeriesSample(up, time.GetUtcNow().ToUnixTimeMilliseconds(), 0)], ct);
        await Evaluator(store, alerts, settings, time).EvaluateAsync(ct);          // the first collector: pending
        time.Advance(TimeSpan.FromMinutes(1));
        await store.WriteAsync([new SeriesSample(up, time.GetUtcNow().ToUnixTimeMilliseconds(), 0)], ct);
        await Evaluator(store, alerts, settings, time).EvaluateAsync(ct);          // another, after the first died: firing

        var alert = (await alerts.ListAsync(0, long.MaxValue, ct)).Single();
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Equal(alert.StartedMs + 60_000, alert.FiredMs);
    }
}
