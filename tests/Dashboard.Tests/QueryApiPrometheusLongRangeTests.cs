using System.Globalization;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// query_range with steps of a minute and more, over a day and a week of raw samples, against a real Prometheus holding
/// exactly the same samples (backfilled with promtool): the same points — the first one included — with the same values.
/// </summary>
public sealed class QueryApiPrometheusLongRangeTests : PrometheusComparison
{
    /// <summary>Eight days ago on a whole hour: the week of queries ends before now, inside both servers' raw retention.</summary>
    private readonly long _t0 = DateTimeOffset.UtcNow.AddDays(-8).ToUnixTimeSeconds() / 3600 * 3_600_000;

    /// <summary>
    /// Seven and a half days. Series c: a counter every 15 s with up to 3 s of jitter (every tenth sample exactly on the
    /// 15 s, so some land on a t), silent for 20 minutes at each day's 06:00 and for 3 hours on day 3, reset to 0 at
    /// day 4's noon. Series d: a gauge every 60 s on the minute.
    /// </summary>
    protected override IEnumerable<SeriesSample> Samples()
    {
        var random = new Random(23);
        var counter = 0.0;
        const long day = 86_400_000;
        for (var i = 0L; i < 7.5 * 5760; i++)
        {
            var offset = i * 15_000 + (i % 10 == 0 ? 0 : random.Next(1, 3_000));
            var ofDay = offset % day;
            counter = offset / day == 4 && ofDay >= 43_200_000 && ofDay < 43_215_000 ? 0 : counter + random.Next(0, 50);
            var silent = (ofDay >= 21_600_000 && ofDay < 22_800_000) || (offset >= 3 * day + 3_600_000 && offset < 3 * day + 14_400_000);
            if (!silent)
            {
                yield return new SeriesSample(SeriesKey.Of("long_range", ("i", "c")), _t0 + offset, counter);
            }
        }

        for (var i = 0L; i < 7.5 * 1440; i++)
        {
            yield return new SeriesSample(SeriesKey.Of("long_range", ("i", "d")), _t0 + i * 60_000, Math.Round(Math.Sin(i / 90.0) * 100, 3));
        }
    }

    [Theory]
    [InlineData(6.0, 7.0, 60)]          // a day at 1 min, across the 06:00 silence
    [InlineData(6.0, 7.0, 300)]         // a day at 5 min
    [InlineData(6.0, 7.0, 3600)]        // a day at 1 h, every t on a whole hour (and on some samples)
    [InlineData(3.9, 4.9, 3600)]        // a day at 1 h off the hour, across the counter reset
    [InlineData(2.5, 3.5, 90)]          // a step that is no whole minute, across the 3-hour silence
    [InlineData(0.0, 7.0, 3600)]        // a week at 1 h, from the very first sample
    [InlineData(-0.01, 7.0, 300)]       // a week at 5 min, starting before the first sample
    public async Task QueryRange_StepOfAMinuteOrMore_EqualsPrometheus(double fromDays, double toDays, int stepSeconds)
    {
        var start = (_t0 + (long)(fromDays * 86_400_000)) / 1000;
        var end = (_t0 + (long)(toDays * 86_400_000)) / 1000;
        var query = string.Create(CultureInfo.InvariantCulture, $"api/v1/query_range?query=long_range&start={start}&end={end}&step={stepSeconds}");
        var (expected, actual) = await BothAsync(query);

        Assert.Equal(["c", "d"], expected.Keys.Order());
        Assert.True(expected["c"].Count > 20, $"Prometheus gave {expected["c"].Count} points");
        foreach (var (series, points) in expected)
        {
            Assert.Equal(points.Count, actual[series].Count);
            Assert.Equal(points, actual[series]);
        }
    }
}
