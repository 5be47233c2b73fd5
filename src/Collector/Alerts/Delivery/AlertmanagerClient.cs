using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>Posts alerts to one Alertmanager's <c>/api/v2/alerts</c>, with its headers and basic authentication.</summary>
public sealed class AlertmanagerClient(HttpClient http, AlertmanagerTarget target)
{
    public string Url { get; } = target.Url.TrimEnd('/');

    /// <summary>Null when Alertmanager accepted the alerts; else why not, in one line without credentials.</summary>
    public async Task<string?> PostAsync(IReadOnlyList<PostableAlert> alerts, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url + "/api/v2/alerts") { Content = JsonContent.Create(alerts) };
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
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return $"{Url} answered {(int)response.StatusCode} {response.ReasonPhrase}: {OneLine(body)}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"{Url} did not answer within {target.TimeoutSeconds} s.";
        }
        catch (HttpRequestException e)
        {
            return $"{Url} is unreachable: {OneLine(e.Message)}";
        }
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
