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
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var ct = TestContext.Current.CancellationToken;

        // Each batch writes the same value to both series at one timestamp; a reader must never see them differ at a shared timestamp.
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= 200; i++)
            {
                await store.WriteAsync([new(P99, i * 1000, i), new(P50, i * 1000, i)], ct);
            }
        }, ct);
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!writer.IsCompleted)
            {
                var latest = await store.LatestAsync(new SeriesSelector("api_latency_seconds"), ct);
                if (latest.Count == 2 && latest[0].Sample.TimestampMs == latest[1].Sample.TimestampMs)
                {
                    Assert.Equal(latest[0].Sample.Value, latest[1].Sample.Value);
                }
            }
        }, ct)).ToArray();

        await Task.WhenAll(readers.Append(writer));
        Assert.Equal(200, (await store.LatestAsync(Select(P99), ct)).Single().Sample.Value);
    }

    [Fact]
    public async Task QueryRange_TooManySteps_IsRefusedWithAReason()
    {
        var store = await OpenAsync();

        var e = await Assert.ThrowsAsync<ArgumentException>(() =>
            store.QueryRangeAsync(new RangeQuery(Select(P99), 0, 1_000_000_000, 1000), TestContext.Current.CancellationToken));
        Assert.Contains("11,000", e.Message);
    }

    private static SeriesSelector Select(SeriesKey key) =>
        new(key.Name, key.Labels.Select(l => new LabelMatcher(l.Name, MatchOp.Equal, l.Value)).ToArray());
}
