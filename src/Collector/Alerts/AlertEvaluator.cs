using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Collector.Alerts;

/// <summary>
/// Evaluates the alert rules over the newest canonical samples every interval and records each alert's
/// life (pending → firing → resolved) in the alert store. A sample older than two minutes counts as no data.
/// </summary>
public sealed class AlertEvaluator(
    IMetricStore store, SqlAlertStore alerts, IReadOnlyList<AlertRule> rules, TimeProvider time, ILogger<AlertEvaluator> logger,
    TimeSpan interval, X0tta6bl4.Ops.Metrics.Settings.SqlSettingsStore? settings = null) : BackgroundService
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(2);


    public AlertEvaluator(IMetricStore store, SqlAlertStore alerts, IReadOnlyList<AlertRule> rules, TimeProvider time, ILogger<AlertEvaluator> logger,
        Microsoft.Extensions.Options.IOptions<AlertOptions> options, X0tta6bl4.Ops.Metrics.Settings.SqlSettingsStore settings)
        : this(store, alerts, rules, time, logger, TimeSpan.FromSeconds(options.Value.IntervalSeconds), settings)
    {
    }

    private readonly Dictionary<(string Rule, string Labels), (long Id, AlertState State, long SinceMs)> _open = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var open in await alerts.OpenAlertsAsync(stoppingToken))
        {
            _open[(open.RuleId, open.Labels)] = (open.Id, open.State, open.StartedMs);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Alert evaluation failed: {Error}", e.Message);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task EvaluateAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Operators' changes from the Alerts page, read each cycle so they apply without a restart.
        var effective = settings is null ? rules : (await RuleOverrides.LoadAsync(settings, ct)).Apply(rules);
        foreach (var rule in effective)
        {
            var latest = await store.LatestAsync(rule.Selector, ct);
            foreach (var sample in latest)
            {
                var labels = sample.Key.LabelText;
                bool? holds = now - sample.Sample.TimestampMs > Freshness.TotalMilliseconds ? null : rule.Holds(sample.Sample.Value);
                await StepAsync(rule, labels, holds, sample.Sample.Value, now, ct);
            }

            // An open alert whose series is gone altogether has no data either: it stays as it is.
        }
    }

    private async Task StepAsync(AlertRule rule, string labels, bool? holds, double value, long now, CancellationToken ct)
    {
        var key = (rule.Id, labels);
        var known = _open.TryGetValue(key, out var open);
        var (_, transition) = AlertStateMachine.Step(known ? open.State : null, known ? open.SinceMs : now, holds, rule.For, now);
        switch (transition)
        {
            case AlertTransition.Started:
                _open[key] = (await alerts.StartAsync(rule.Id, rule.Severity, labels, now, value, ct), AlertState.Pending, now);
                break;
            case AlertTransition.Fired:
                var id = known ? open.Id : await alerts.StartAsync(rule.Id, rule.Severity, labels, now, value, ct);
                await alerts.FireAsync(id, now, value, ct);
                _open[key] = (id, AlertState.Firing, known ? open.SinceMs : now);
                logger.LogWarning("Alert {Rule} firing for {Labels}: {Value}", rule.Name, labels, value);
                break;
            case AlertTransition.Resolved:
                await alerts.ResolveAsync(open.Id, now, ct);
                _open.Remove(key);
                break;
        }
    }
}
