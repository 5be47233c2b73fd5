using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Tests.Engines;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// Our query API and a real Prometheus holding exactly the same samples (backfilled with promtool, written to our
/// store), asked the same query: what the conformance tests compare point for point.
/// </summary>
public abstract class PrometheusComparison : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"x0-query-prom-{Guid.NewGuid():N}.db");
    private WebApplicationFactory<Program> _factory = null!;
    private PrometheusProcess _prometheus = null!;

    /// <summary>The samples both hold; every series of one name, told apart by its label i.</summary>
    protected abstract IEnumerable<SeriesSample> Samples();

    public async ValueTask InitializeAsync()
    {
        var samples = Samples().ToList();
        var name = samples[0].Key.Name;
        var text = new StringBuilder($"# TYPE {name} gauge\n");
        foreach (var s in samples)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}{{i=\"{s.Key["i"]}\"}} {s.Value:R} {s.TimestampMs / 1000.0:0.000}\n");
        }

        text.Append("# EOF\n");
        _prometheus = await PrometheusProcess.StartBackfilledAsync(text.ToString(), TestContext.Current.CancellationToken);
        _factory = QueryApiHost.Start(_path);
        await _factory.Services.GetRequiredService<IMetricStore>().WriteAsync(samples, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _prometheus.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    /// <summary>Each series' points (unix ms, value) by its label i: Prometheus's answer, then ours.</summary>
    protected async Task<(Dictionary<string, List<(long, double)>> Expected, Dictionary<string, List<(long, double)>> Actual)> BothAsync(string query)
    {
        using var ours = QueryApiHost.Authorized(_factory.CreateClient());
        using var theirs = new HttpClient { BaseAddress = _prometheus.BaseAddress };
        return (await PointsAsync(theirs, query), await PointsAsync(ours, query));
    }

    private static async Task<Dictionary<string, List<(long, double)>>> PointsAsync(HttpClient http, string query)
    {
        var json = JsonDocument.Parse(await http.GetStringAsync(query, TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("success", json.GetProperty("status").GetString());
        return json.GetProperty("data").GetProperty("result").EnumerateArray().ToDictionary(
            r => r.GetProperty("metric").GetProperty("i").GetString()!,
            r => r.GetProperty("values").EnumerateArray()
                .Select(v => ((long)Math.Round(v[0].GetDouble() * 1000), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture))).ToList());
    }
}
