using System.Globalization;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// query_range with steps under a minute against a real Prometheus holding exactly the same samples (backfilled with
/// promtool): the same points at the same times with the same values — steps shorter than the sample interval, samples
/// exactly at a t, a series that stops for longer than the 5-minute lookback and comes back, one sampled every minute.
/// </summary>
public sealed class QueryApiPrometheusTests : PrometheusComparison
{
    private readonly long _t0 = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds() / 60 * 60_000;

    /// <summary>
    /// Series a: every 15 s with up to 3 s of jitter (ms offsets, as real scrapes have), silent from 10 to 18 minutes;
    /// every tenth sample exactly on a whole 30 s. Series b: every 60 s on the minute.
    /// </summary>
    protected override IEnumerable<SeriesSample> Samples()
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
        var (expected, actual) = await BothAsync(query);

        Assert.Equal(["a", "b"], expected.Keys.Order());
        Assert.True(expected["a"].Count > 10, $"Prometheus gave {expected["a"].Count} points");
        foreach (var (series, points) in expected)
        {
            Assert.Equal(points, actual[series]);
        }
    }
}
