using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using X0tta6bl4.Ops.Collector.Alerts.Delivery;
using X0tta6bl4.Ops.Dashboard.Model.Changes;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>Silences made, refused and expired against a real Alertmanager (Debian's 0.25), and acknowledgements that silence.</summary>
public sealed class SilenceChangesTests : IAsyncLifetime
{
    private static readonly ClaimsPrincipal Operator = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "ana"), new Claim(ClaimTypes.Role, "operator")], "test"));
    private static readonly ClaimsPrincipal Viewer = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "vic"), new Claim(ClaimTypes.Role, "viewer")], "test"));

    private AlertmanagerProcess _alertmanager = null!;
    private StoreFixture _store = null!;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        // The webhook is never reached here (no alert is posted): Alertmanager only needs a receiver to start.
        _alertmanager = await AlertmanagerProcess.StartAsync("http://127.0.0.1:9/none");
        _store = await StoreFixture.CreateAsync();
        var services = new ServiceCollection();
        services.AddHttpClient();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new AlertOptions { Alertmanagers = [new() { Url = _alertmanager.Url }] }));
        services.AddSingleton<TimeProvider>(TimeProvider.System);
        services.AddSingleton<AlertmanagerApi>();
        services.AddSingleton<SilenceChanges>();
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _store.DisposeAsync();
        await _alertmanager.DisposeAsync();
    }

    private SilenceChanges Changes => _services.GetRequiredService<SilenceChanges>();

    private async Task<List<JsonElement>> SilencesAsync()
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<JsonElement>($"{_alertmanager.Url}/api/v2/silences", TestContext.Current.CancellationToken)).EnumerateArray().ToList();
    }

    [Fact]
    public async Task AViewer_CannotCreateOrExpire_AnOperatorCan()
    {
        var ct = TestContext.Current.CancellationToken;

        var refused = await Changes.CreateAsync(Viewer, "job=\"api\"", "1h", "maintenance", ct);
        Assert.Equal(SilenceChanges.Forbidden, refused.Problems["form"]);
        Assert.Empty(await SilencesAsync());

        var made = await Changes.CreateAsync(Operator, "job=\"api\", severity=~\"warning|critical\"", "1h30m", "maintenance", ct);
        Assert.True(made.Done, string.Join(" ", made.Problems.Values));
        var silence = Assert.Single(await SilencesAsync());
        Assert.Equal((made.SilenceId, "ana", "active"), (silence.GetProperty("id").GetString(), silence.GetProperty("createdBy").GetString(),
            silence.GetProperty("status").GetProperty("state").GetString()));
        var span = silence.GetProperty("endsAt").GetDateTimeOffset() - silence.GetProperty("startsAt").GetDateTimeOffset();
        Assert.Equal(90, span.TotalMinutes, 0.1);

        Assert.False((await Changes.ExpireAsync(Viewer, made.SilenceId!, ct)).Done);
        Assert.Equal("active", (await SilencesAsync()).Single().GetProperty("status").GetProperty("state").GetString());
        Assert.True((await Changes.ExpireAsync(Operator, made.SilenceId!, ct)).Done);
        Assert.Equal("expired", (await SilencesAsync()).Single().GetProperty("status").GetProperty("state").GetString());
    }

    [Fact]
    public async Task BadFields_AreRefusedByName_AndNothingReachesAlertmanager()
    {
        var refused = await Changes.CreateAsync(Operator, "job!=\"api\"", "0m", "", TestContext.Current.CancellationToken);

        Assert.Equal(["comment", "duration", "matchers"], refused.Problems.Keys.Order());
        Assert.Empty(await SilencesAsync());
    }

    [Fact]
    public async Task AcknowledgingWithASilence_SilencesTheAlertsLabels_CreatedByWhoAcknowledged()
    {
        var ct = TestContext.Current.CancellationToken;
        var now = StoreFixture.Now.ToUnixTimeMilliseconds();
        var id = await _store.Alerts.StartAsync("source-down", "critical", "source=\"redis/redis\"", now - 120_000, 0, ct);
        await _store.Alerts.FireAsync(id, now - 60_000, 0, ct);
        var rules = new AlertRules(Microsoft.Extensions.Options.Options.Create(new AlertOptions()), _store.SlaTargets, _store.Settings);
        var acks = new AlertChanges(_store.Alerts, rules, Changes, _store.Time);

        var result = await acks.AcknowledgeAsync(Operator, id, "ana", "restarting redis", AlertChanges.UntilResolved, ct);

        Assert.True(result.Done && result.Problem is null, result.Problem);
        var silence = Assert.Single(await SilencesAsync());
        Assert.Equal("ana", silence.GetProperty("createdBy").GetString());
        Assert.Equal("Acknowledged by ana: restarting redis", silence.GetProperty("comment").GetString());
        Assert.Equal(["alertname=Collector source down", "rule=source-down", "severity=critical", "source=redis/redis"],
            silence.GetProperty("matchers").EnumerateArray().Select(m => $"{m.GetProperty("name").GetString()}={m.GetProperty("value").GetString()}").Order());
        var stored = (await _store.Alerts.OpenAlertsAsync(ct)).Single();
        Assert.Equal((silence.GetProperty("id").GetString(), true), (stored.SilenceId, stored.SilenceUntilResolved));
    }
}
