using Microsoft.Extensions.Logging.Abstractions;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>The store's PostgreSQL stops and comes back while the collector keeps polling: no sample is lost.</summary>
public class StoreOutageTests
{
    [Fact]
    public async Task PostgresStoreDownForSeconds_SamplesWaitInTheBufferAndAllArrive()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = new PostgresProcess();
        await postgres.InitAndStartAsync();
        await using var store = await PostgresMetricStore.OpenAsync(postgres.ConnectionString, ct);
        var source = new CountingSource();
        var buffer = new WriteBuffer(100_000);
        var (service, _, _) = await TestCollector.CreateAsync([source], store, buffer, SqlDatabase.Postgres(postgres.ConnectionString));
        await service.StartAsync(ct);
        await Eventually.UntilAsync(() => source.Polls >= 5, TimeSpan.FromSeconds(10), "five polls with the store up", ct);

        await postgres.StopAsync();
        // The collector keeps polling into its buffer while the store is down.
        var pollsAtStop = source.Polls;
        await Eventually.UntilAsync(() => source.Polls >= pollsAtStop + 20 && buffer.Count >= 10, TimeSpan.FromSeconds(20), "twenty polls buffered during the outage", ct);
        var bufferedDuringOutage = buffer.Count;
        await postgres.StartAsync();

        // The drain retries with backoff (1 s, 2 s, 4 s …).
        await Eventually.UntilAsync(() => buffer.Count == 0, TimeSpan.FromSeconds(30), "the buffer to drain", ct);

        await service.StopAsync(ct);
        var polls = source.Polls;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stored = await store.QueryRangeAsync(new RangeQuery(new SeriesSelector("poll_number"), now - 3_600_000, now + 1000, 60_000, Aggregation.Count), ct);

        Assert.True(bufferedDuringOutage >= 10, $"only {bufferedDuringOutage} samples were buffered during the outage");
        Assert.Equal(0, buffer.Count);
        Assert.Equal(0, buffer.Dropped);
        // Every poll's sample is in the store exactly once (the last poll may still have been in flight at stop).
        var count = stored.Single().Points.Sum(p => p.Value);
        Assert.InRange(count, polls - 1, polls);
    }
}
