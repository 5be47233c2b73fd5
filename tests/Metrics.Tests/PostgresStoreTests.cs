using X0tta6bl4.Ops.Tests;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>What only the PostgreSQL store does: day partitions, retention by dropping them.</summary>
public sealed class PostgresStoreTests : IAsyncLifetime
{
    private readonly TemporaryDatabase _database = new();

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task DropBefore_RemovesWholeOldDayPartitions_AndKeepsNewerData()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);
        var key = SeriesKey.Of("m");
        var day = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        await store.WriteAsync([new(key, day.ToUnixTimeMilliseconds(), 1), new(key, day.AddDays(1).ToUnixTimeMilliseconds(), 2), new(key, day.AddDays(2).ToUnixTimeMilliseconds(), 3)], ct);

        var dropped = await store.DropBeforeAsync(day.AddDays(1).Date, ct); // keep from Nov 2, 00:00

        var left = await store.QueryRangeAsync(new RangeQuery(new SeriesSelector("m"), day.AddDays(-1).ToUnixTimeMilliseconds(), day.AddDays(3).ToUnixTimeMilliseconds(), 86_400_000, Aggregation.Count), ct);
        Assert.Equal(1, dropped);
        Assert.Equal(2, left.Single().Points.Sum(p => p.Value));
        // The dropped day can be written again: its partition is recreated.
        await store.WriteAsync([new(key, day.ToUnixTimeMilliseconds(), 4)], ct);
        Assert.Equal(4, (await store.QueryRangeAsync(new RangeQuery(new SeriesSelector("m"), day.ToUnixTimeMilliseconds(), day.ToUnixTimeMilliseconds(), 1000, Aggregation.Last), ct)).Single().Points.Single().Value);
    }

    [Fact]
    public async Task QueryRange_AfterAnotherWriterAddsASeriesOfANameAlreadyRead_ShowsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var reader = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);
        await using var writer = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);
        var at = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var query = new RangeQuery(new SeriesSelector("m"), at, at + 59_999, 60_000, Aggregation.Last);
        await writer.WriteAsync([new(SeriesKey.Of("m", ("i", "1")), at, 1)], ct);
        Assert.Single(await reader.QueryRangeAsync(query, ct)); // the reader now knows the series of "m"

        await writer.WriteAsync([new(SeriesKey.Of("m", ("i", "2")), at, 2)], ct);

        Assert.Equal([1.0, 2], (await reader.QueryRangeAsync(query, ct)).Select(s => s.Points.Single().Value));
        Assert.Equal(2, (await reader.LatestAsync(SeriesSelector.Where("m", ("i", "2")), ct)).Single().Sample.Value);
    }

    [Fact]
    public async Task TwoWriters_OnTheSameSeries_KeepTheRollupsExact()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);
        await using var b = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);
        var key = SeriesKey.Of("m");
        var minute = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        await a.WriteAsync([new(key, minute + 1_000, 1)], ct);              // a knows minute 0
        await b.WriteAsync([new(key, minute + 61_000, 2)], ct);             // b writes minute 1
        await a.WriteAsync([new(key, minute + 62_000, 4)], ct);             // a writes into the minute b made: merged

        var counts = await a.QueryRangeAsync(new RangeQuery(new SeriesSelector("m"), minute, minute + 119_999, 60_000, Aggregation.Count), ct);
        var sums = await a.QueryRangeAsync(new RangeQuery(new SeriesSelector("m"), minute, minute + 119_999, 60_000, Aggregation.Avg), ct);
        Assert.Equal([1.0, 2], counts.Single().Points.Select(p => p.Value));
        Assert.Equal([1.0, 3], sums.Single().Points.Select(p => p.Value));
    }

    [Fact]
    public async Task TwoWriters_AtTheSameTime_OnTheSameChunks_LoseNothingFromTheRollups()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var a = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);
        await using var b = await PostgresMetricStore.OpenAsync(_database.ConnectionString, ct);
        var key = SeriesKey.Of("m");
        var start = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        // Both write one sample at a time into the same three minutes (the same hour and day chunks).
        async Task WriteAll(PostgresMetricStore store, long offsetMs, double value)
        {
            for (var i = 0; i < 60; i++)
            {
                await store.WriteAsync([new(key, start + i * 3_000 + offsetMs, value)], ct);
            }
        }

        await Task.WhenAll(Task.Run(() => WriteAll(a, 0, 1), ct), Task.Run(() => WriteAll(b, 1_000, 3), ct));

        var perMinute = await a.QueryRangeAsync(new RangeQuery(new SeriesSelector("m"), start, start + 179_999, 60_000, Aggregation.Count), ct);
        var hour = await b.QueryRangeAsync(new RangeQuery(new SeriesSelector("m"), start, start + 3_599_999, 3_600_000, Aggregation.Avg), ct);
        var raw = await a.QueryRangeAsync(new RangeQuery(new SeriesSelector("m"), start, start + 179_999, 1_000, Aggregation.Count), ct);
        Assert.Equal([40.0, 40, 40], perMinute.Single().Points.Select(p => p.Value));
        Assert.Equal(2.0, hour.Single().Points.Single().Value);
        Assert.Equal(120, raw.Single().Points.Count);
    }
}
