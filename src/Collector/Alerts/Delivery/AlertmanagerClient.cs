using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>The outcome of one call to Alertmanager: its answer, or why there is none, in one line without credentials.</summary>
public sealed record AlertmanagerAnswer<T>(T? Value, string? Error)
{
    public bool Ok => Error is null;
}

/// <summary>
/// One Alertmanager's API v2 with its headers and basic authentication: alerts posted (<c>/api/v2/alerts</c>), alerts
/// read, and silences listed, created and expired (<c>/api/v2/silences</c>, <c>/api/v2/silence/{id}</c>).
/// </summary>
public sealed class AlertmanagerClient(HttpClient http, AlertmanagerTarget target)
{
    public string Url { get; } = target.Url.TrimEnd('/');

    /// <summary>Null when Alertmanager accepted the alerts; else why not.</summary>
    public async Task<string?> PostAsync(IReadOnlyList<PostableAlert> alerts, CancellationToken ct) =>
        (await SendAsync<object>(HttpMethod.Post, "/api/v2/alerts", JsonContent.Create(alerts), read: false, ct)).Error;

    /// <summary>Every alert Alertmanager holds (active, silenced and inhibited).</summary>
    public Task<AlertmanagerAnswer<List<GettableAlert>>> AlertsAsync(CancellationToken ct) =>
        SendAsync<List<GettableAlert>>(HttpMethod.Get, "/api/v2/alerts", null, read: true, ct);

    public Task<AlertmanagerAnswer<List<GettableSilence>>> SilencesAsync(CancellationToken ct) =>
        SendAsync<List<GettableSilence>>(HttpMethod.Get, "/api/v2/silences", null, read: true, ct);

    /// <summary>Creates a silence; its id.</summary>
    public Task<AlertmanagerAnswer<SilenceCreated>> CreateSilenceAsync(PostableSilence silence, CancellationToken ct) =>
        SendAsync<SilenceCreated>(HttpMethod.Post, "/api/v2/silences", JsonContent.Create(silence), read: true, ct);

    /// <summary>Expires a silence now; null when done.</summary>
    public async Task<string?> ExpireSilenceAsync(string id, CancellationToken ct) =>
        (await SendAsync<object>(HttpMethod.Delete, "/api/v2/silence/" + Uri.EscapeDataString(id), null, read: false, ct)).Error;

    private async Task<AlertmanagerAnswer<T>> SendAsync<T>(HttpMethod method, string path, HttpContent? content, bool read, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, Url + path) { Content = content };
        HeaderSettings.Apply(request.Headers, target.Headers);
        if (!string.IsNullOrEmpty(target.Username))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{target.Username}:{target.Password}")));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(target.TimeoutSeconds));
        try
        {
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                return new(default, $"{Url} answered {(int)response.StatusCode} {response.ReasonPhrase}: {OneLine(body)}");
            }

            return new(read ? await response.Content.ReadFromJsonAsync<T>(timeout.Token) : default, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(default, $"{Url} did not answer within {target.TimeoutSeconds} s.");
        }
        catch (HttpRequestException e)
        {
            return new(default, $"{Url} is unreachable: {OneLine(e.Message)}");
        }
        catch (System.Text.Json.JsonException e)
        {
            return new(default, $"{Url} answered something that is not Alertmanager's API v2: {OneLine(e.Message)}");
        }
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
