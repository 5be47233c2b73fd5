using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Collector.Alerts;

/// <summary>
/// Evaluates the alert rules in force over the newest canonical samples every interval (and when this process
/// wrote new ones) and records each alert's life (pending → firing → resolved) in the alert store, timed by the
/// samples that showed it. A sample older than two minutes counts as no data. The open alerts are read from the store at each evaluation, not kept here, so that whichever
/// collector holds the alerts lease carries on where the last one stopped, and an alert fires once however
/// many collectors run.
/// </summary>
public sealed class AlertEvaluator(
    IMetricStore store, SqlAlertStore alerts, AlertRules rules, LeaseKeeper? leases, TimeProvider time, ILogger<AlertEvaluator> logger, TimeSpan interval)
    : BackgroundService
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(2);

    private readonly SloBurnRates _burnRates = new(store);

    // Read at start, not in the constructor: a bad Alerts section is then reported with every other problem by the
    // start-up validation, rather than alone by the first service to be constructed.
    private readonly IOptions<AlertOptions>? _options;
    private readonly AlertSignals? _signals;

    /// <summary>Evaluations woken by new samples come at most this often (one sooner waits); the burn-rate rules wait for the ticks.</summary>
    public static readonly TimeSpan MinimumGap = TimeSpan.FromSeconds(1);

    public AlertEvaluator(IMetricStore store, SqlAlertStore alerts, AlertRules rules, LeaseKeeper leases, TimeProvider time, ILogger<AlertEvaluator> logger,
        IOptions<AlertOptions> options, AlertSignals signals)
        : this(store, alerts, rules, leases, time, logger, TimeSpan.Zero)
    {
        _options = options;
        _signals = signals;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        leases?.Want(LeaseKeeper.AlertsLease);
        // A periodic timer keeps the evaluation on its schedule: a slow evaluation does not push the next one back. New
        // samples written by this process wake it between ticks (at most once a second), so a rule's `for` starts from
        // the poll that showed the problem rather than from the next tick.
        using var wake = new TickOrSignal(new PeriodicTimer(_options is null ? interval : TimeSpan.FromSeconds(_options.Value.IntervalSeconds), time),
            _signals?.SamplesWritten);
        var last = DateTimeOffset.MinValue;
        try
        {
            for (bool? ticked = true; ticked is { } periodic; ticked = await wake.WaitAsync(stoppingToken))
            {
                if (leases is not null && !leases.Holds(LeaseKeeper.AlertsLease))
                {
                    continue;
                }

                // Deferred, not dropped: samples written just after a tick's evaluation must still be looked at (with
                // polls and ticks on the same period, dropping them lost ~4.5 s on every fault in bench/run alerts).
                var since = time.GetUtcNow() - last;
                if (!periodic && since < MinimumGap)
                {
                    await Task.Delay(MinimumGap - since, time, stoppingToken);
                }

                try
                {
                    last = time.GetUtcNow();
                    await EvaluateAsync(stoppingToken, burnRates: periodic);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning("Alert evaluation failed: {Error}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <param name="burnRates">Whether to evaluate the burn-rate rules too (their windows are minutes to days: the ticks suffice).</param>
    public async Task EvaluateAsync(CancellationToken ct, bool burnRates = true)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // The rules and SLA targets as operators left them, read each cycle so changes apply without a restart.
        var ruleSet = await rules.LoadAsync(ct);
        var open = (await alerts.OpenAlertsAsync(ct)).GroupBy(a => (a.RuleId, a.Labels)).ToDictionary(g => g.Key, g => g.First());
        IReadOnlyList<SloBurnReading>? burns = null;
        foreach (var rule in ruleSet.Active)
        {
            if (rule.BurnPairs is { } pairs)
            {
                if (!burnRates)
                {
                    continue;
                }

                // Both burn-rate rules share one read of the windows per evaluation.
                burns ??= await _burnRates.ReadAsync(ruleSet.Targets, time.GetUtcNow(), ct);
                foreach (var reading in burns)
                {
                    var worst = reading.Checks.Where(c => pairs.Contains((c.Long, c.Short, c.Factor)) && c.Severity is not null).MaxBy(c => c.Severity);
                    await StepAsync(rule, open.GetValueOrDefault((rule.Id, reading.Labels)), reading.Labels, worst is null ? null : rule.Holds(worst.Severity!.Value),
                        worst?.Severity ?? 0, now, ct, worst is null ? null : BurnDetail(reading, worst, ruleSet.Targets));
                }

                continue;
            }

            var latest = await store.LatestAsync(rule.Selector, ct);
            foreach (var sample in latest)
            {
                var labels = sample.Key.LabelText;
                bool? holds = now - sample.Sample.TimestampMs > Freshness.TotalMilliseconds ? null : rule.Holds(sample.Sample.Value);
                // On the data's clock: pending from the poll that first showed the condition, firing at the poll that shows
                // it held for the rule's `for` — not at whichever evaluation tick happened to follow each of them.
                await StepAsync(rule, open.GetValueOrDefault((rule.Id, labels)), labels, holds, sample.Sample.Value, sample.Sample.TimestampMs, ct, hold: Held(rule.For));
            }

            // An open alert whose series is gone altogether has no data either: it stays as it is.
        }
    }

    /// <summary>Which pair fired, both windows' burn rates and the budget left, for the alert's description.</summary>
    public static string BurnDetail(SloBurnReading reading, BurnRateCheck pair, Metrics.Settings.SlaOptions sla)
    {
        var objective = reading.Objective == SloObjective.Availability
            ? $"availability objective {sla.AvailabilityPercent:0.###} % of requests without a 5xx"
            : $"latency objective {sla.LatencyObjectivePercent:0.###} % of the time with p95 under {sla.P95Ms:0} ms";
        var budget = reading.BudgetLeft is { } left ? $"{left * 100:0.#} % of the 30-day error budget left" : "the 30-day error budget left is not known (no data)";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"The {pair.Windows} pair: burn rate {pair.LongBurn:0.##}× over {BurnRateCheck.Span(pair.Long)} and {pair.ShortBurn:0.##}× over {BurnRateCheck.Span(pair.Short)} (threshold {pair.Factor}×) on the {objective}; {budget}.");
    }

    /// <summary>
    /// A rule's `for` on the data's clock, less the polls' scheduling jitter: two polls `for` apart are stamped a
    /// millisecond or two more or less than that (measured: 30 s less 1 ms between the first and the seventh 5-s poll),
    /// which must not cost a whole poll interval.
    /// </summary>
    public static TimeSpan Held(TimeSpan @for) => @for > PollJitter ? @for - PollJitter : @for;

    public static readonly TimeSpan PollJitter = TimeSpan.FromMilliseconds(250);

    private async Task StepAsync(AlertRule rule, AlertRecord? open, string labels, bool? holds, double value, long now, CancellationToken ct, string? detail = null,
        TimeSpan? hold = null)
    {
        var (_, transition) = AlertStateMachine.Step(open?.State, open?.StartedMs ?? now, holds, hold ?? rule.For, now);
        switch (transition)
        {
            case AlertTransition.Started:
                await alerts.StartAsync(rule.Id, rule.Severity, labels, now, value, ct, detail);
                break;
            case AlertTransition.Fired:
                var id = open?.Id ?? await alerts.StartAsync(rule.Id, rule.Severity, labels, now, value, ct, detail);
                await alerts.FireAsync(id, now, value, ct, detail);
                logger.LogWarning("Alert {Rule} firing for {Labels}: {Value}", rule.Name, labels, value);
                _signals?.AlertsChanged.Set();
                break;
            case AlertTransition.Resolved:
                await alerts.ResolveAsync(open!.Id, now, ct);
                _signals?.AlertsChanged.Set();
                break;
            case AlertTransition.Cleared:
                await alerts.ClearPendingAsync(open!.Id, now, ct);
                break;
        }
    }
}
