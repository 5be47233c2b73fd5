using Microsoft.Extensions.Configuration;
using X0tta6bl4.Ops.Collector.Alerts.Delivery;
using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>When an alert is sent to an Alertmanager, and what it says: worked by hand.</summary>
public class AlertDeliveryScheduleTests
{
    private const long T0 = 1_796_000_000_000;

    private static AlertRecord Firing(long id, long firedMs) =>
        new(id, "source-down", "critical", "source=\"redis/redis\"", AlertState.Firing, firedMs - 2_000, firedMs, null, 0, null, null, null);

    private static AlertRecord Resolved(AlertRecord alert, long resolvedMs) => alert with { State = AlertState.Resolved, ResolvedMs = resolvedMs };

    [Fact]
    public void AnAlertFiringAgain_SupersedesItsPreviousResolution_AsPrometheusKeepsOneAlertPerLabelSet()
    {
        var earlier = Resolved(Firing(1, T0), T0 + 60_000);
        var again = Firing(2, T0 + 120_000);
        var other = Resolved(Firing(3, T0) with { Labels = "source=\"postgres/x0tta6bl4\"" }, T0 + 60_000);

        var sent = DeliverySchedule.NewestPerLabels([earlier, again, other]);

        // The old resolution, resent after the new alert, would replace it in Alertmanager (one fingerprint, no overlap).
        Assert.Equal([2L, 3L], sent.Select(a => a.Id).Order());
    }

    [Fact]
    public void Firing_IsSentAtOnce_ThenEveryResendInterval_ThenItsResolutionAtOnce_ForFifteenMinutes()
    {
        var schedule = new DeliverySchedule(TimeSpan.FromSeconds(60));
        var alert = Firing(1, T0);

        var atFire = schedule.Due([alert], T0);
        schedule.Sent(atFire, T0);
        var after59 = schedule.Due([alert], T0 + 59_000);
        var after60 = schedule.Due([alert], T0 + 60_000);
        schedule.Sent(after60, T0 + 60_000);
        var resolved = Resolved(alert, T0 + 90_000);
        var atResolve = schedule.Due([resolved], T0 + 90_000);
        schedule.Sent(atResolve, T0 + 90_000);
        var resolvedAgain = schedule.Due([resolved], T0 + 150_000);
        var pastFifteen = schedule.Due([resolved], T0 + 90_000 + 15 * 60_000 + 1);

        Assert.Single(atFire);
        Assert.Empty(after59);
        Assert.Single(after60);
        Assert.Single(atResolve);                      // not held back by the firing send 30 s before
        Assert.Single(resolvedAgain);                  // resent a resend interval later
        Assert.Empty(pastFifteen);                     // Prometheus's resolved retention: 15 minutes
    }

    [Fact]
    public void PendingAlerts_AreNeverSent_AndALeaseRegainedSendsEverythingFiringAgain()
    {
        var schedule = new DeliverySchedule(TimeSpan.FromSeconds(60));
        var firing = Firing(1, T0);
        var pending = firing with { Id = 2, State = AlertState.Pending, FiredMs = null };
        schedule.Sent(schedule.Due([firing, pending], T0), T0);

        schedule.Forget();

        Assert.Equal([1L], schedule.Due([firing, pending], T0 + 1_000).Select(a => a.Id));
    }

    [Fact]
    public void AResolutionNeverDelivered_IsCountedDroppedOnceItsFifteenMinutesRunOut()
    {
        var schedule = new DeliverySchedule(TimeSpan.FromSeconds(60));
        var delivered = Firing(1, T0);
        var lost = Firing(2, T0);
        schedule.Sent([delivered, lost], T0);
        schedule.Sent([Resolved(delivered, T0 + 10_000)], T0 + 10_000);   // only the first one's resolution got through

        var dropped = schedule.Expire([]);                                 // both out of the 15-minute window now
        var again = schedule.Expire([]);

        Assert.Equal(1, dropped);
        Assert.Equal(0, again);
    }

    [Fact]
    public void Payload_CarriesTheRulesLabelsAndAnnotations_TheMeasuredValue_AndALinkToThePageAtTheTime()
    {
        var rule = AlertRule.Defaults.Single(r => r.Id == "source-down") with { For = TimeSpan.FromSeconds(60) };
        var alert = Firing(7, T0) with { Value = 0 };
        var links = new DashboardLinkOptions { ExternalUrl = "https://ops.example/" };
        var endsAt = DateTimeOffset.FromUnixTimeMilliseconds(T0).AddMinutes(4);

        var firing = PostableAlert.From(alert, rule, "https://runbooks.example/source-down", links, endsAt);
        var resolved = PostableAlert.From(Resolved(alert, T0 + 120_000), rule, null, links, endsAt);

        Assert.Equal("Collector source down", firing.Labels["alertname"]);
        Assert.Equal("critical", firing.Labels["severity"]);
        Assert.Equal("source-down", firing.Labels["rule"]);
        Assert.Equal("redis/redis", firing.Labels["source"]);
        Assert.Contains("source_up{source=\"redis/redis\"} = 0, below the threshold 0.5 for 60 s or more.", firing.Annotations["description"]);
        Assert.Equal("https://runbooks.example/source-down", firing.Annotations["runbook_url"]);
        Assert.False(resolved.Annotations.ContainsKey("runbook_url"));
        // Starts when it fired; a firing alert ends when told (unless sent again), a resolved one when it resolved.
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), firing.StartsAt);
        Assert.Equal(endsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), firing.EndsAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 120_000).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), resolved.EndsAt);
        // The Targets page from 15 minutes before the alert started to 45 minutes after.
        var started = DateTimeOffset.FromUnixTimeMilliseconds(T0 - 2_000);
        Assert.Equal($"https://ops.example/targets?range=custom&from={started.AddMinutes(-15):yyyy-MM-ddTHH:mm:ssZ}&to={started.AddMinutes(45):yyyy-MM-ddTHH:mm:ssZ}",
            firing.GeneratorUrl);
    }

    [Theory]
    [InlineData("Alerts:Alertmanagers:0:Url", "ftp://am:9093", "must be an absolute http or https address")]
    [InlineData("Alerts:Alertmanagers:0:Username", "ops", "set both Username and Password")]
    [InlineData("Alerts:ResendSeconds", "0", "Alerts:ResendSeconds must be between 1 and 3600")]
    [InlineData("Alerts:Alertmanagers:0:Headers:0:Name", "X Key", "Alerts:Alertmanagers:0:Headers:0:Name 'X Key' is not an HTTP header name")]
    [InlineData("Alerts:Rules:source-down:RunbookUrl", "wiki/source-down", "must be an absolute address")]
    public void BadDeliverySettings_AreRefusedNamingTheKey(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Alerts:Alertmanagers:0:Url"] = "http://127.0.0.1:9093",
            [key] = value,
        }).Build();
        var options = new AlertOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration.GetSection(AlertOptions.Section), options);

        var result = new AlertOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void Alertmanagers_UnsetMeansTheStacks_AndAnEmptyUrlMeansNowhere()
    {
        Assert.Equal([AlertOptions.StackAlertmanager], new AlertOptions().DeliverTo.Select(a => a.Url));
        Assert.Empty(new AlertOptions { Alertmanagers = [new AlertmanagerTarget { Url = "" }] }.DeliverTo);
    }
}
