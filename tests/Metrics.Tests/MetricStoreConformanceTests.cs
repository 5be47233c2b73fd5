using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>
/// One suite, run against every store: the same tests and the same expectations for the embedded
/// SQLite file and the PostgreSQL table.
/// </summary>
public abstract class MetricStoreConformanceTests : IAsyncLifetime
{
    /// <summary>Opens the store under test; a second call opens the same data again (a restart).</summary>
    protected abstract Task<IMetricStore> OpenAsync();

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public abstract ValueTask DisposeAsync();

    private static readonly SeriesKey P99 = SeriesKey.Of("api_latency_seconds", ("job", "api"), ("quantile", "0.99"));
    private static readonly SeriesKey P50 = SeriesKey.Of("api_latency_seconds", ("job", "api"), ("quantile", "0.5"));

    [Fact]
    public async Task Latest_AfterWrites_ReturnsNewestSampleOfEachSeries()
    {
        var store = await OpenAsync();
        await store.WriteAsync([new(P99, 1000, 0.3), new(P99, 2000, 0.25), new(P50, 1000, 0.1)], TestContext.Current.CancellationToken);

        var latest = await store.LatestAsync(new SeriesSelector("api_latency_seconds"), TestContext.Current.CancellationToken);

        Assert.Equal(2, latest.Count);
        Assert.Equal(new Sample(2000, 0.25), latest.Single(l => l.Key.Equals(P99)).Sample);
        Assert.Equal(new Sample(1000, 0.1), latest.Single(l => l.Key.Equals(P50)).Sample);
    }

    [Fact]
    public async Task QueryRange_AggregatesPerStepAndLeavesEmptyStepsOut()
    {
        var store = await OpenAsync();
        // Steps of 10 s from t=0: [0,10) holds 1 and 3, [10,20) is empty, [20,30) holds 5.
        await store.WriteAsync([new(P99, 0, 1), new(P99, 5_000, 3), new(P99, 25_000, 5)], TestContext.Current.CancellationToken);

        var avg = await store.QueryRangeAsync(new RangeQuery(Select(P99), 0, 29_999, 10_000), TestContext.Current.CancellationToken);
        var max = await store.QueryRangeAsync(new RangeQuery(Select(P99), 0, 29_999, 10_000, Aggregation.Max), TestContext.Current.CancellationToken);
        var last = await store.QueryRangeAsync(new RangeQuery(Select(P99), 0, 29_999, 10_000, Aggregation.Last), TestContext.Current.CancellationToken);

        Assert.Equal([new Sample(0, 2), new Sample(20_000, 5)], avg.Single().Points);
        Assert.Equal([new Sample(0, 3), new Sample(20_000, 5)], max.Single().Points);
        Assert.Equal([new Sample(0, 3), new Sample(20_000, 5)], last.Single().Points);
    }

    [Fact]
    public async Task Write_NaN_IsRefusedWithAReasonAndInfinityIsKept()
    {
        var store = await OpenAsync();

        var result = await store.WriteAsync([new(P99, 1000, double.NaN), new(P50, 1000, double.PositiveInfinity)], TestContext.Current.CancellationToken);

        Assert.Equal(1, result.Written);
        Assert.Equal(1, result.Refused);
        Assert.Contains("NaN", result.RefusalReason);
        Assert.Empty(await store.LatestAsync(Select(P99), TestContext.Current.CancellationToken));
        Assert.Equal(double.PositiveInfinity, (await store.LatestAsync(Select(P50), TestContext.Current.CancellationToken)).Single().Sample.Value);
    }

    [Fact]
    public async Task Reopen_KeepsTheData()
    {
        var first = await OpenAsync();
        await first.WriteAsync([new(P99, 1000, 0.42)], TestContext.Current.CancellationToken);

        var second = await OpenAsync();

        Assert.Equal(0.42, (await second.LatestAsync(Select(P99), TestContext.Current.CancellationToken)).Single().Sample.Value);
    }

    [Fact]
    public async Task ListSeries_WithRegexMatcher_FiltersByLabel()
    {
        var store = await OpenAsync();
        await store.WriteAsync([new(P99, 1000, 1), new(P50, 1000, 1)], TestContext.Current.CancellationToken);

        var found = await store.ListSeriesAsync(
            new SeriesSelector("api_latency_seconds", new LabelMatcher("quantile", MatchOp.Regex, "0\\.9.*")), TestContext.Current.CancellationToken);

        Assert.Equal([P99], found);
    }

    [Fact]
    public async Task ConcurrentWriterAndReaders_NeitherFailsNorSeesTornBatches()
    {
        var store = await OpenAsync();
        var ct = TestContext.Current.CancellationToken;

        // Each batch writes both series at one timestamp with the same value: a reader that sees them at different
        // timestamps (one batch half-applied, or the two read from different moments) has seen a torn batch.
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= 200; i++)
            {
                await store.WriteAsync([new(P99, i * 1000, i), new(P50, i * 1000, i)], ct);
            }
        }, ct);
        var seen = new System.Collections.Concurrent.ConcurrentBag<long>();
        var torn = new System.Collections.Concurrent.ConcurrentBag<string>();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!writer.IsCompleted)
            {
                var latest = await store.LatestAsync(new SeriesSelector("api_latency_seconds"), ct);
                if (latest.Count == 2)
                {
                    seen.Add(latest[0].Sample.TimestampMs);
                    if (latest[0].Sample != latest[1].Sample)
                    {
                        torn.Add($"{latest[0].Key}={latest[0].Sample} but {latest[1].Key}={latest[1].Sample}");
                    }
                }
            }
        }, ct)).ToArray();

        await Task.WhenAll(readers.Append(writer));
        Assert.Empty(torn);
        // The readers ran while the writer did: they saw the batches in progress, not only the end.
        Assert.True(seen.Distinct().Count() >= 5, $"the readers saw only {seen.Distinct().Count()} distinct batches");
        Assert.Equal(200, (await store.LatestAsync(Select(P99), ct)).Single().Sample.Value);
    }

    [Fact]
    public async Task QueryRange_TooManySteps_IsRefusedWithAReason()
    {
        var store = await OpenAsync();

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.QueryRangeAsync(new RangeQuery(Select(P99), 0, 1_000_000_000, 1000), TestContext.Current.CancellationToken));
        Assert.Contains("more than 11,001 steps", e.Message);
    }

    private static SeriesSelector Select(SeriesKey key) =>
        new(key.Name, key.Labels.Select(l => new LabelMatcher(l.Name, MatchOp.Equal, l.Value)).ToArray());

    /// <summary>Three hours of 15-second samples, a little irregular, values that make every aggregation differ.</summary>
    private static List<SeriesSample> ThreeHours(SeriesKey key, long startMs)
    {
        var random = new Random(7);
        var samples = new List<SeriesSample>();
        for (var t = startMs; t < startMs + 3 * 3_600_000; t += 15_000)
        {
            if (random.Next(20) != 0) // about one in twenty polls missing: gaps
            {
                samples.Add(new SeriesSample(key, t + random.Next(0, 3000), Math.Round(random.NextDouble() * 100, 3)));
            }
        }

        return samples;
    }

    [Theory]
    [InlineData(3_600_000L)] // served by the 1 h tier
    [InlineData(300_000L)]   // by the 1 min tier
    [InlineData(60_000L)]    // by the 1 min tier
    [InlineData(30_000L)]    // by raw samples
    public async Task QueryRange_AnyTier_MeansExactlyWhatTheRawSamplesMean(long stepMs)
    {
        var store = await OpenAsync();
        var start = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var samples = ThreeHours(P99, start);
        foreach (var poll in samples.Chunk(7)) // written as it arrives, batch by batch
        {
            await store.WriteAsync(poll, TestContext.Current.CancellationToken);
        }

        foreach (var aggregation in Enum.GetValues<Aggregation>())
        {
            var query = new RangeQuery(Select(P99), start, start + 3 * 3_600_000 - 1, stepMs, aggregation);
            var stored = (await store.QueryRangeAsync(query, TestContext.Current.CancellationToken)).Single().Points;
            var expected = StepBuckets.Aggregate(samples.Select(s => new Sample(s.TimestampMs, s.Value)).OrderBy(s => s.TimestampMs), query);

            Assert.Equal(expected.Count, stored.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].TimestampMs, stored[i].TimestampMs);
                Assert.Equal(expected[i].Value, stored[i].Value, 9);
            }
        }
    }

    [Fact]
    public async Task Retention_OfRawSamples_LeavesTheTierAnswersAsTheyWere()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var start = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        foreach (var poll in ThreeHours(P99, start).Chunk(7))
        {
            await store.WriteAsync(poll, ct);
        }

        // Every aggregation, LastSample too: a tier row keeps its bucket's newest sample with its timestamp.
        var queries = Enum.GetValues<Aggregation>().SelectMany(a => new[] { 300_000L, 3_600_000L }.Select(step => new RangeQuery(Select(P99), start, start + 3 * 3_600_000 - 1, step, a))).ToList();
        var before = new List<IReadOnlyList<Sample>>();
        foreach (var query in queries)
        {
            before.Add((await store.QueryRangeAsync(query, ct)).Single().Points);
        }

        // The raw samples are past their retention; the 1-min tier keeps them for weeks more.
        await store.EnforceRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(35), TimeSpan.FromDays(400)), DateTimeOffset.FromUnixTimeMilliseconds(start).AddDays(3), ct);

        Assert.Empty(await store.QueryRangeAsync(new RangeQuery(Select(P99), start, start + 3 * 3_600_000 - 1, 30_000), ct));
        for (var q = 0; q < queries.Count; q++)
        {
            var after = (await store.QueryRangeAsync(queries[q], ct)).Single().Points;
            Assert.Equal(before[q].Select(p => p.TimestampMs), after.Select(p => p.TimestampMs));
            Assert.Equal(before[q].Select(p => p.Value), after.Select(p => p.Value), (a, b) => Math.Abs(a - b) < 1e-9);
        }

        // A sample written late into a folded hour counts with what the tiers kept of it.
        await store.WriteAsync([new(P99, start + 1_234, 1_000)], ct);
        async Task<double> FirstHour(Aggregation aggregation, long step) =>
            (await store.QueryRangeAsync(new RangeQuery(Select(P99), start, start + 3_600_000 - 1, step, aggregation), ct)).Single().Points[0].Value;
        var countBefore = before[queries.FindIndex(q => q.StepMs == 3_600_000 && q.Aggregation == Aggregation.Count)][0].Value;
        Assert.Equal(countBefore + 1, await FirstHour(Aggregation.Count, 3_600_000));
        Assert.Equal(1_000, await FirstHour(Aggregation.Max, 3_600_000));
        Assert.Equal(1_000, await FirstHour(Aggregation.Max, 300_000));
    }

    [Fact]
    public async Task Retention_RemovesEachTierAfterItsOwnAge()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
        var old = now.AddDays(-3).ToUnixTimeMilliseconds();
        var recent = now.AddHours(-1).ToUnixTimeMilliseconds();
        await store.WriteAsync([new(P99, old, 1), new(P99, recent, 2)], ct);

        await store.EnforceRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(10)), now, ct);

        long Hour(long ms) => ms / 3_600_000 * 3_600_000;
        async Task<int> Points(long from, long step) =>
            (await store.QueryRangeAsync(new RangeQuery(Select(P99), Hour(from), Hour(from) + 3_600_000 - 1, step, Aggregation.Count), ct)).Sum(s => s.Points.Count);
        Assert.Equal(0, await Points(old, 30_000));       // raw: older than 1 day, gone
        Assert.Equal(0, await Points(old, 60_000));       // 1 min tier: older than 2 days, gone
        Assert.Equal(1, await Points(old, 3_600_000));    // 1 h tier: kept for 10 days
        Assert.Equal(1, await Points(recent, 30_000));    // the recent sample everywhere
        Assert.Equal(1, await Points(recent, 60_000));
        Assert.Equal(1, await Points(recent, 3_600_000));
    }
}
