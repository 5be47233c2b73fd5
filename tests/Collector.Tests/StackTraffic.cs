namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>Sends real requests to the stack's Api so its histograms have something in them.</summary>
internal static class StackTraffic
{
    public static async Task SendAsync(int requests, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(X0tta6bl4.Ops.Tests.StackEnvironment.ApiUrl) };
        for (var i = 0; i < requests; i++)
        {
            using var response = await http.GetAsync(i % 10 == 9 ? "/api/v1/missing" : "/api/v1/status", cancellationToken);
        }
    }
}
