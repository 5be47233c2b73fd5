using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>
/// The configured Alertmanagers as the dashboard uses them: reads and silences go to the first that answers. An HA
/// pair shares its silences by gossip, so one copy is enough; with gossip off (as the local stack runs it) there is one.
/// </summary>
public sealed class AlertmanagerApi(IOptions<AlertOptions> options, IHttpClientFactory httpFactory)
{
    public IReadOnlyList<AlertmanagerClient> Clients =>
        options.Value.DeliverTo.Select(t => new AlertmanagerClient(httpFactory.CreateClient(AlertmanagerDelivery.HttpClientName), t)).ToList();

    public bool Configured => options.Value.DeliverTo.Count > 0;

    /// <summary>The first Alertmanager's answer that is one; else every Alertmanager's reason, in one line.</summary>
    public async Task<AlertmanagerAnswer<T>> FirstAsync<T>(Func<AlertmanagerClient, Task<AlertmanagerAnswer<T>>> call)
    {
        var errors = new List<string>();
        foreach (var client in Clients)
        {
            var answer = await call(client);
            if (answer.Ok)
            {
                return answer;
            }

            errors.Add(answer.Error!);
        }

        return new(default, errors.Count == 0 ? "No Alertmanager is configured (Alerts:Alertmanagers)." : string.Join(" ", errors));
    }

    /// <summary>Expires a silence wherever it is (a 404 elsewhere is no failure); null when one Alertmanager expired it.</summary>
    public async Task<string?> ExpireAsync(string id, CancellationToken ct)
    {
        var answer = await FirstAsync<bool>(async c => await c.ExpireSilenceAsync(id, ct) is { } error ? new(false, error) : new(true, null));
        return answer.Error;
    }
}
