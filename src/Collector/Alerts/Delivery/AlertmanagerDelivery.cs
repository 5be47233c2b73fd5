using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>
/// Sends the alerts the evaluator recorded to every configured Alertmanager (<c>Alerts:Alertmanagers</c>), from the
/// collector holding the alerts lease. It reads the alerts from the store each second and never touches the
/// evaluation, so an Alertmanager that is slow or down delays nothing but its own delivery: a failed post is retried
/// with backoff (1 s doubling to 60 s), its reason logged once and recorded for the Alerts page.
/// </summary>
public sealed class AlertmanagerDelivery(
    SqlAlertStore alerts,
    SqlAlertDeliveryStore deliveries,
    AlertRules rules,
    LeaseKeeper leases,
    IOptions<AlertOptions> options,
    IOptions<DashboardLinkOptions> links,
    IHttpClientFactory httpFactory,
    TimeProvider time,
    ILogger<AlertmanagerDelivery> logger,
    AlertSignals? signals = null) : BackgroundService
{
    public const string HttpClientName = "alertmanager";

    /// <summary>Alerts in one post, at most; more go in several.</summary>
    public const int MaxAlertsPerPost = 1000;

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    private sealed class Target(AlertmanagerClient client, DeliverySchedule schedule)
    {
        public AlertmanagerClient Client { get; } = client;
        public DeliverySchedule Schedule { get; } = schedule;
        public DateTimeOffset RetryAt { get; set; }
        public int Failures { get; set; }
        public string? LoggedError { get; set; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        leases.Want(LeaseKeeper.AlertsLease);
        var o = options.Value;
        var resend = TimeSpan.FromSeconds(o.ResendSeconds);
        var http = httpFactory.CreateClient(HttpClientName);
        var targets = o.DeliverTo.Select(t => new Target(new AlertmanagerClient(http, t), new DeliverySchedule(resend))).ToList();
        if (targets.Count == 0)
        {
            logger.LogWarning("No Alertmanager is configured (Alerts:Alertmanagers): alerts show on the Alerts page and are sent nowhere.");
        }

        var registered = false;
        string? loggedError = null;
        // Each second, and at once when this process's evaluator fires or resolves an alert.
        using var wake = new TickOrSignal(new PeriodicTimer(Tick, time), signals?.AlertsChanged);
        try
        {
            do
            {
                if (!leases.Holds(LeaseKeeper.AlertsLease))
                {
                    // Whoever holds the lease sends; if it comes back here, everything firing is sent again.
                    targets.ForEach(t => t.Schedule.Forget());
                    registered = false;
                    continue;
                }

                try
                {
                    if (!registered)
                    {
                        await deliveries.RegisterAsync(targets.Select(t => t.Client.Url).ToList(), stoppingToken);
                        registered = true;
                    }

                    await DeliverAsync(targets, o, stoppingToken);
                    loggedError = null;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    if (e.Message != loggedError)
                    {
                        logger.LogWarning("Reading the alerts to deliver failed: {Error}", e.Message);
                        loggedError = e.Message;
                    }
                }
            }
            while (await wake.WaitAsync(stoppingToken) is not null);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(List<Target> targets, AlertOptions o, CancellationToken ct)
    {
        if (targets.Count == 0)
        {
            return;
        }

        await ExpireSilencesAsync(targets, ct);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var candidates = DeliverySchedule.NewestPerLabels((await alerts.OpenAlertsAsync(ct)).Where(a => a.State == AlertState.Firing)
            .Concat(await alerts.ResolvedSinceAsync(nowMs - (long)DeliverySchedule.ResolvedFor.TotalMilliseconds, ct)));
        // Alertmanager resolves an alert whose endsAt passes: four of the longer of the two intervals without a send.
        var firingEndsAt = now.AddSeconds(4 * Math.Max(o.IntervalSeconds, o.ResendSeconds));
        Dictionary<string, AlertRule>? ruleById = null;
        foreach (var target in targets)
        {
            DeliveryMetrics.Dropped.WithLabels(target.Client.Url).Inc(target.Schedule.Expire(candidates));
            if (now < target.RetryAt)
            {
                continue;
            }

            var due = target.Schedule.Due(candidates, nowMs);
            if (due.Count == 0)
            {
                continue;
            }

            ruleById ??= (await rules.LoadAsync(ct)).Rules.ToDictionary(r => r.Rule.Id, r => r.Rule);
            var known = due.Where(a => ruleById.ContainsKey(a.RuleId)).ToList();
            foreach (var part in known.Chunk(MaxAlertsPerPost))
            {
                var payload = part.Select(a => PostableAlert.From(a, ruleById[a.RuleId], o.Rules.GetValueOrDefault(a.RuleId)?.RunbookUrl, links.Value, firingEndsAt)).ToList();
                var error = await target.Client.PostAsync(payload, ct);
                if (error is not null)
                {
                    await FailedAsync(target, error, now, ct);
                    break;
                }

                target.Schedule.Sent(part, nowMs);
                DeliveryMetrics.AlertsSent.WithLabels(target.Client.Url).Inc(part.Length);
                await deliveries.RecordSentAsync(target.Client.Url, part.Select(a => (a.Id, a.State)).ToList(), nowMs, ct);
                if (target.LoggedError is not null)
                {
                    logger.LogInformation("Alerts are delivered to {Alertmanager} again.", target.Client.Url);
                }

                (target.Failures, target.LoggedError) = (0, null);
            }
        }
    }

    /// <summary>
    /// An acknowledgement may silence its alert until it resolves: once it has, the silence is expired, so the same
    /// alert firing again pages. An Alertmanager that no longer knows the silence (404) counts as done.
    /// </summary>
    private async Task ExpireSilencesAsync(List<Target> targets, CancellationToken ct)
    {
        foreach (var alert in await alerts.SilencesToExpireAsync(ct))
        {
            foreach (var target in targets)
            {
                var error = await target.Client.ExpireSilenceAsync(alert.SilenceId!, ct);
                if (error is null || error.Contains(" answered 404 ", StringComparison.Ordinal) || error.Contains("already expired", StringComparison.OrdinalIgnoreCase))
                {
                    await alerts.SilenceExpiredAsync(alert.Id, ct);
                    logger.LogInformation("Alert {Id} resolved: its silence {Silence} is expired.", alert.Id, alert.SilenceId);
                    break;
                }
            }
        }
    }

    private async Task FailedAsync(Target target, string error, DateTimeOffset now, CancellationToken ct)
    {
        target.Failures++;
        var backoff = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, target.Failures - 1), MaxBackoff.TotalSeconds));
        target.RetryAt = now + backoff;
        DeliveryMetrics.PostsFailed.WithLabels(target.Client.Url).Inc();
        await deliveries.RecordFailureAsync(target.Client.Url, error, now.ToUnixTimeMilliseconds(), ct);
        // Once per reason, not once per retry: a down Alertmanager is one problem however long it lasts.
        if (error != target.LoggedError)
        {
            logger.LogWarning("Alerts could not be delivered: {Error} Retrying with backoff (up to every {Seconds} s).", error, MaxBackoff.TotalSeconds);
            target.LoggedError = error;
        }
    }
}
