using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.EndToEnd.Tests;

/// <summary>
/// The on-call loop end to end: a real fault (Redis stopped) fires source-down, the dashboard's collector sends it to a
/// real Alertmanager (Debian's 0.25), and the webhook the test owns receives Alertmanager's notification — then the
/// resolution when Redis is back.
/// </summary>
public class AlertDeliveryTests
{
    [Fact]
    public async Task RedisStopped_TheWebhookReceivesSourceDownThroughAlertmanager_ThenItsResolution()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await Rig.StartAsync(ct, ("Alerts__Rules__source-down__RunbookUrl", "https://runbooks.example/source-down"));
        var (webhook, alertmanager, redis, dashboard, port) = (rig.Webhook, rig.Alertmanager, rig.Redis, rig.Dashboard, rig.Port);

        await redis.StopAsync();
        var firing = await Eventually.UntilAsync(() => Task.FromResult(Notifications(webhook, "firing")), n => n.Count > 0,
            TimeSpan.FromSeconds(60), $"a firing source-down notification on the webhook (Alertmanager's log: {alertmanager.Log})", ct);

        var payload = firing[0].Payload;
        var alert = firing[0].Alert;
        Assert.Equal("4", payload.GetProperty("version").GetString());
        var labels = alert.GetProperty("labels");
        Assert.Equal("Collector source down", labels.GetProperty("alertname").GetString());
        Assert.Equal("critical", labels.GetProperty("severity").GetString());
        Assert.Equal("redis/redis", labels.GetProperty("source").GetString());
        var annotations = alert.GetProperty("annotations");
        Assert.Contains("source_up{source=\"redis/redis\"} = 0, below the threshold 0.5 for 2 s", annotations.GetProperty("description").GetString());
        Assert.Equal("https://runbooks.example/source-down", annotations.GetProperty("runbook_url").GetString());
        var link = alert.GetProperty("generatorURL").GetString()!;
        Assert.StartsWith($"http://127.0.0.1:{port}/targets?range=custom&from=", link);

        // The link opens the page that shows the problem; the Alerts page says where the alert went.
        await using var browser = await Browser.OpenAsync();
        await browser.OpenPageAsync(dashboard.BaseAddress, link[$"http://127.0.0.1:{port}/".Length..]);
        await Assertions.Expect(browser.Page.Locator("[data-testid=source-row][data-source='redis/redis']")).ToHaveCountAsync(1);
        await browser.OpenPageAsync(dashboard.BaseAddress, "alerts?refresh=5s");
        await Assertions.Expect(browser.Page.Locator($"[data-testid=delivery-line][data-alertmanager='{alertmanager.Url}']"))
            .ToHaveAttributeAsync("data-failing", "false");
        var row = browser.Page.Locator("[data-testid=active-alerts] [data-rule=source-down]").Filter(new() { HasText = "redis/redis" });
        await Assertions.Expect(row.Locator("[data-testid=delivered]")).ToContainTextAsync($"sent firing to {alertmanager.Url}", new() { Timeout = 15_000 });
        await browser.AssertFitsTheWindowAsync("the alerts page with a delivered alert");

        await redis.StartAsync();
        var resolved = await Eventually.UntilAsync(() => Task.FromResult(Notifications(webhook, "resolved")), n => n.Count > 0,
            TimeSpan.FromSeconds(60), "the resolved notification on the webhook", ct);
        Assert.Equal("redis/redis", resolved[0].Alert.GetProperty("labels").GetProperty("source").GetString());
        Assert.Equal(alert.GetProperty("startsAt").GetString(), resolved[0].Alert.GetProperty("startsAt").GetString());
        // One outage, one firing notification: re-sends every resend interval do not notify again (repeat_interval 1 h).
        Assert.Single(Notifications(webhook, "firing"));
        Assert.Empty(browser.ConsoleErrors);
    }

    [Fact]
    public async Task AlertmanagerDownWhileAnAlertFires_TheAlertIsDeliveredWhenItReturns_AndNotifiesOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await Rig.StartAsync(ct);
        var (webhook, alertmanager, redis, dashboard, http) = (rig.Webhook, rig.Alertmanager, rig.Redis, rig.Dashboard, rig.Http);

        // Alertmanager goes away, then the fault: the alert fires while nothing can take it.
        await alertmanager.StopAsync();
        await redis.StopAsync();
        await Eventually.UntilAsync(() => http.GetStringAsync("metrics", ct), text => FailedPosts(text) >= 2, TimeSpan.FromSeconds(60),
            "two failed posts to the stopped Alertmanager (the alert fired and was retried)", ct);
        var failedPosts = FailedPosts(await http.GetStringAsync("metrics", ct));

        // Back after the retries began: the next retry (backoff at most 60 s) delivers it, and the webhook hears it once.
        await alertmanager.StartAsync();
        var firing = await Eventually.UntilAsync(() => Task.FromResult(Notifications(webhook, "firing")), n => n.Count > 0,
            TimeSpan.FromSeconds(90), "the firing notification once Alertmanager is back", ct);
        var alerts = await alertmanager.AlertsAsync(ct);
        // The resolution is the barrier: a second firing notification would have come before it (group_interval 1 s).
        await redis.StartAsync();
        await Eventually.UntilAsync(() => Task.FromResult(Notifications(webhook, "resolved")), n => n.Count > 0,
            TimeSpan.FromSeconds(90), "the resolved notification", ct);

        Assert.Single(Notifications(webhook, "firing"));
        Assert.Equal("redis/redis", firing[0].Alert.GetProperty("labels").GetProperty("source").GetString());
        Assert.Contains(alerts.EnumerateArray(), a => a.GetProperty("labels").GetProperty("rule").GetString() == "source-down"
            && a.GetProperty("status").GetProperty("state").GetString() == "active");
        Assert.True(failedPosts >= 2, $"{failedPosts} failed posts counted on /metrics");
        Assert.Contains("Alerts could not be delivered", dashboard.Output);
    }

    [Fact]
    public async Task AnOperatorSilencesFromThePage_AlertmanagerSuppressesIt_AndExpiringTheSilenceDeliversIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var rig = await Rig.StartAsync(ct);
        var (webhook, alertmanager, redis, dashboard) = (rig.Webhook, rig.Alertmanager, rig.Redis, rig.Dashboard);
        await using var browser = await Browser.OpenAsync();
        await browser.OpenPageAsync(dashboard.BaseAddress, "alerts?refresh=5s");
        var page = browser.Page;

        // Planned work on Redis: a silence first, from matchers; a bad duration is refused by name, nothing is sent.
        await page.FillAsync("input[data-testid=silence-matchers]", "rule=\"source-down\", source=~\"redis/.*\"");
        await page.FillAsync("input[data-testid=silence-duration]", "forever");
        await page.FillAsync("input[data-testid=silence-comment]", "Redis upgrade");
        await page.ClickAsync("[data-testid=create-silence]");
        await Assertions.Expect(page.Locator("[data-testid=silence-form]")).ToContainTextAsync("'forever' is not a duration");
        Assert.Empty(await SilencesAsync(alertmanager, ct));
        await page.FillAsync("input[data-testid=silence-duration]", "1h");
        await page.ClickAsync("[data-testid=create-silence]");
        await Assertions.Expect(page.Locator("[data-testid=silence-message]")).ToContainTextAsync("created");
        var silence = Assert.Single(await SilencesAsync(alertmanager, ct));
        Assert.Equal((DashboardProcess.User, "Redis upgrade"), (silence.GetProperty("createdBy").GetString(), silence.GetProperty("comment").GetString()));
        var id = silence.GetProperty("id").GetString()!;

        // The fault: the alert fires and reaches Alertmanager, which holds it suppressed by our silence; nobody is paged.
        await redis.StopAsync();
        var suppressed = await Eventually.UntilAsync(async () => (await alertmanager.AlertsAsync(ct)).EnumerateArray()
                .Where(a => a.GetProperty("labels").GetProperty("rule").GetString() == "source-down").ToList(), a => a.Count > 0,
            TimeSpan.FromSeconds(60), "source-down in Alertmanager", ct);
        var status = suppressed[0].GetProperty("status");
        Assert.Equal("suppressed", status.GetProperty("state").GetString());
        Assert.Equal([id], status.GetProperty("silencedBy").EnumerateArray().Select(e => e.GetString()));
        // The page shows it too: suppressed, by that silence; and the silence lists what it silences.
        await Assertions.Expect(page.Locator("[data-testid=alertmanager-alert][data-alertname='Collector source down']"))
            .ToHaveAttributeAsync("data-silenced-by", id, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator($"[data-testid=silence-row][data-silence='{id}']")).ToContainTextAsync("Collector source down");
        Assert.Empty(Notifications(webhook, "firing"));

        // Expiring the silence from the page: Alertmanager notifies at once (group_interval 1 s).
        await page.Locator($"[data-testid=silence-row][data-silence='{id}'] [data-testid=expire-silence]").ClickAsync();
        var firing = await Eventually.UntilAsync(() => Task.FromResult(Notifications(webhook, "firing")), n => n.Count > 0,
            TimeSpan.FromSeconds(60), "the firing notification once the silence expired", ct);
        Assert.Equal("redis/redis", firing[0].Alert.GetProperty("labels").GetProperty("source").GetString());
        Assert.Equal("expired", (await SilencesAsync(alertmanager, ct)).Single().GetProperty("status").GetProperty("state").GetString());
        Assert.Empty(browser.ConsoleErrors);
    }

    private static async Task<List<JsonElement>> SilencesAsync(AlertmanagerProcess alertmanager, CancellationToken ct)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<JsonElement>($"{alertmanager.Url}/api/v2/silences", ct)).EnumerateArray().ToList();
    }

    /// <summary>
    /// A webhook of the test's own, a real Alertmanager routing every alert to it, a Redis of the test's own, and a
    /// dashboard that watches that Redis alone (source-down after 2 s, rules evaluated every second) and sends its alerts
    /// to that Alertmanager — ready once Redis is polled up, so a fault starts from a source known to be up (a failed
    /// first poll on a cold start is no part of it).
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly List<IAsyncDisposable> _started = [];

        public WebhookReceiver Webhook { get; private set; } = null!;
        public AlertmanagerProcess Alertmanager { get; private set; } = null!;
        public RedisProcess Redis { get; private set; } = null!;
        public DashboardProcess Dashboard { get; private set; } = null!;
        public HttpClient Http { get; private set; } = null!;

        /// <summary>The dashboard's port, which its Dashboard:ExternalUrl names.</summary>
        public int Port { get; } = ServiceProcesses.FreePort();

        public static async Task<Rig> StartAsync(CancellationToken ct, params (string Key, string Value)[] more)
        {
            var rig = new Rig();
            try
            {
                rig._started.Add(rig.Webhook = WebhookReceiver.Start());
                rig._started.Add(rig.Alertmanager = await AlertmanagerProcess.StartAsync(rig.Webhook.Url));
                rig._started.Add(rig.Redis = new RedisProcess());
                await rig.Redis.StartAsync();
                var settings = SourceSettings.RedisOnly(rig.Redis.ConnectionString);
                settings["Alerts__IntervalSeconds"] = "1";
                settings["Alerts__Rules__source-down__ForSeconds"] = "2";
                settings["Alerts__Alertmanagers__0__Url"] = rig.Alertmanager.Url;
                settings["Dashboard__ExternalUrl"] = $"http://127.0.0.1:{rig.Port}";
                foreach (var (key, value) in more)
                {
                    settings[key] = value;
                }

                rig._started.Add(rig.Dashboard = await DashboardProcess.StartAsync(settings, ct, rig.Port));
                rig.Http = rig.Dashboard.AuthorizedClient();
                await Eventually.UntilAsync(() => SourceUpAsync(rig.Http, ct), up => up == "1", TimeSpan.FromSeconds(60), "redis/redis polled up", ct);
                return rig;
            }
            catch
            {
                await rig.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Http?.Dispose();
            for (var i = _started.Count - 1; i >= 0; i--)
            {
                await _started[i].DisposeAsync();
            }
        }
    }

    /// <summary>x0tta6bl4_ops_alert_posts_failed_total summed over Alertmanagers, from /metrics.</summary>
    private static double FailedPosts(string metrics) => metrics.Split('\n')
        .Where(l => l.StartsWith("x0tta6bl4_ops_alert_posts_failed_total{", StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<string?> SourceUpAsync(HttpClient http, CancellationToken ct)
    {
        var answer = await http.GetFromJsonAsync<JsonElement>("api/v1/query?query=" + Uri.EscapeDataString("source_up{source=\"redis/redis\"}"), ct);
        var result = answer.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 0 ? null : result[0].GetProperty("value")[1].GetString();
    }

    /// <summary>The webhook's notifications of source-down for redis/redis in the given status, with the payload each came in.</summary>
    private static List<(JsonElement Payload, JsonElement Alert)> Notifications(WebhookReceiver webhook, string status) =>
        webhook.Payloads.SelectMany(p => p.GetProperty("alerts").EnumerateArray().Select(a => (Payload: p, Alert: a)))
            .Where(n => n.Alert.GetProperty("status").GetString() == status
                && n.Alert.GetProperty("labels").TryGetProperty("rule", out var rule) && rule.GetString() == "source-down"
                && n.Alert.GetProperty("labels").TryGetProperty("source", out var source) && source.GetString() == "redis/redis")
            .ToList();
}
