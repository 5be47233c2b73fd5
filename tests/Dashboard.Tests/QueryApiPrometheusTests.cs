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
/// query_range with steps under a minute against a real Prometheus holding exactly the same samples (backfilled with
/// promtool): the same points at the same times with the same values — steps shorter than the sample interval, samples
/// exactly at a t, a series that stops for longer than the 5-minute lookback and comes back, one sampled every minute.
/// </summary>
public sealed class QueryApiPrometheusTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"x0-query-prom-{Guid.NewGuid():N}.db");
    private readonly long _t0 = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds() / 60 * 60_000;
    private WebApplicationFactory<Program> _factory = null!;
    private PrometheusProcess _prometheus = null!;

    public async ValueTask InitializeAsync()
    {
        var samples = Samples().ToList();
        var text = new StringBuilder("# TYPE conformance gauge\n");
        foreach (var s in samples)
        {
            text.Append(CultureInfo.InvariantCulture, $"conformance{{i=\"{s.Key["i"]}\"}} {s.Value:R} {s.TimestampMs / 1000.0:0.000}\n");
        }

        text.Append("# EOF\n");
        _prometheus = await PrometheusProcess.StartBackfilledAsync(text.ToString(), TestContext.Current.CancellationToken);
        _factory = QueryApiHost.Start(_path);
        await _factory.Services.GetRequiredService<IMetricStore>().WriteAsync(samples, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Series a: every 15 s with up to 3 s of jitter (ms offsets, as real scrapes have), silent from 10 to 18 minutes;
    /// every tenth sample exactly on a whole 30 s. Series b: every 60 s on the minute.
    /// </summary>
    private IEnumerable<SeriesSample> Samples()
    {
        var random = new Random(17);
        for (var i = 0; i < 120; i++)
        {
            var at = _t0 + i * 15_000L + (i % 10 == 0 ? 0 : random.Next(1, 3_000));
            if (at - _t0 is < 600_000 or >= 1_080_000)
            {
                yield return new SeriesSample(SeriesKey.Of("conformance", ("i", "a")), at, Math.Round(random.NextDouble() * 1000, 3));
            }
        }

        for (var i = 0; i < 30; i++)
        {
            yield return new SeriesSample(SeriesKey.Of("conformance", ("i", "b")), _t0 + i * 60_000L, i * 1.5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _prometheus.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    [Theory]
    [InlineData(-60, 1_860, 15)] // from before the first sample to after the last
    [InlineData(0, 1_800, 30)]   // on the whole 30 s where some samples are
    [InlineData(7, 1_500, 7)]    // shorter than the interval, off every sample
    [InlineData(550, 1_200, 1)]  // one-second steps across the silence
    [InlineData(100, 1_700, 59)] // the largest step answered from raw samples
    [InlineData(-299.5, 10_700.5, 1)] // 11,001 points: the lookback is read apart from the range (on half seconds: series b's
                                        // samples are on whole minutes, and Prometheus 2.x's lookback also takes one exactly 5 min old)
    public async Task QueryRange_StepUnderAMinute_EqualsPrometheus(double fromSeconds, double toSeconds, int stepSeconds)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"api/v1/query_range?query=conformance&start={_t0 / 1000 + fromSeconds}&end={_t0 / 1000 + toSeconds}&step={stepSeconds}");
        using var ours = QueryApiHost.Authorized(_factory.CreateClient());
        using var theirs = new HttpClient { BaseAddress = _prometheus.BaseAddress };

        var expected = await PointsAsync(theirs, query);
        var actual = await PointsAsync(ours, query);

        Assert.Equal(["a", "b"], expected.Keys.Order());
        Assert.True(expected["a"].Count > 10, $"Prometheus gave {expected["a"].Count} points");
        foreach (var (series, points) in expected)
        {
            Assert.Equal(points, actual[series]);
        }
    }

    /// <summary>Each series' points (unix ms, value) by its label i.</summary>
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
