using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>The write buffer's spool: what the store has not got survives the process, in order, and reaches the store exactly once.</summary>
public sealed class SpoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-spool-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<SeriesSample> Batch(int n, int size = 3) =>
        Enumerable.Range(0, size).Select(i => new SeriesSample(SeriesKey.Of("poll", ("i", $"{i}"), ("text", "é\"x")), 1_000L * n, n + i / 10.0)).ToList();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void AfterARestart_WhatWasNotDone_IsReadBackInOrder_AndOnlyTheWriteInFlightIsInDoubt()
    {
        var spool = Spool.Open(_dir, 1 << 20, TimeProvider.System, out var none);
        var ids = Enumerable.Range(1, 4).Select(n => spool.Append(Batch(n), out _)).ToList();
        spool.Done([ids[0]]);
        spool.Writing([ids[1]]);
        spool.Dispose(); // as a killed process leaves it: nothing more written

        using var again = Spool.Open(_dir, 1 << 20, TimeProvider.System, out var replayed);

        Assert.Empty(none);
        Assert.Equal(ids[1..], replayed.Select(r => r.Id));
        Assert.Equal([true, false, false], replayed.Select(r => r.InDoubt));
        Assert.Equal(Batch(3), replayed[1].Samples);
    }

    [Fact]
    public void ARecordTornByACrashMidAppend_EndsTheReading_WithoutLosingWhatCameBefore()
    {
        var spool = Spool.Open(_dir, 1 << 20, TimeProvider.System, out _);
        spool.Append(Batch(1), out _);
        spool.Append(Batch(2), out _);
        spool.Dispose();
        var segment = Directory.GetFiles(_dir, "*.wal").Single();
        var bytes = File.ReadAllBytes(segment);
        File.WriteAllBytes(segment, bytes[..^5]); // the second record cut short

        using var again = Spool.Open(_dir, 1 << 20, TimeProvider.System, out var replayed);
        again.Append(Batch(3), out _);

        Assert.Equal(Batch(1), replayed.Single().Samples);
    }

    [Fact]
    public void BeyondItsSize_TheOldestSamplesAreDroppedAndCounted_AndTheDiskStaysBounded()
    {
        const long max = 1 << 20;
        var spool = Spool.Open(_dir, max, TimeProvider.System, out _);
        var buffer = new WriteBuffer(10_000_000, spool);
        for (var n = 0; n < 400; n++)
        {
            buffer.Add(Batch(n, 100)); // ~6 KB a batch: 2.4 MB in all
        }

        var files = Directory.GetFiles(_dir, "*.wal").Sum(f => new FileInfo(f).Length);
        spool.Dispose();
        using var again = Spool.Open(_dir, max, TimeProvider.System, out var replayed);

        Assert.True(buffer.Dropped > 0);
        Assert.Equal(400 * 100, buffer.Dropped + buffer.Count);
        Assert.True(files <= max + max / 4, $"{files} bytes on disk");
        // What is left is the newest, in order, and just what the buffer still held.
        Assert.Equal(buffer.Count, replayed.Sum(r => r.Samples.Count));
        Assert.Equal(399_000, replayed[^1].Samples[0].TimestampMs);
        Assert.True(replayed.Select(r => r.Id).SequenceEqual(replayed.Select(r => r.Id).Order()));
    }

    [Fact]
    public async Task AWriteThatCommittedJustBeforeACrash_IsFoundInTheStore_AndNotWrittenTwice()
    {
        var store = await SqliteMetricStore.OpenAsync(Path.Combine(_dir, "metrics.db"), Ct);
        var spoolDir = Path.Combine(_dir, "spool");
        var spool = Spool.Open(spoolDir, 1 << 20, TimeProvider.System, out _);
        var buffer = new WriteBuffer(100_000, spool);
        buffer.Add(Batch(1));
        buffer.Add(Batch(2));
        var taken = await buffer.PeekAsync(3, Ct); // the first batch
        buffer.Writing(taken);
        await store.WriteAsync(taken.Samples, Ct); // committed; the process dies before it can say so
        spool.Dispose();

        var reopened = Spool.Open(spoolDir, 1 << 20, TimeProvider.System, out var replayed);
        var restarted = new WriteBuffer(100_000, reopened, replayed);
        var (service, _, _) = await TestCollector.CreateAsync([], store, restarted, SqlDatabase.Sqlite(Path.Combine(_dir, "metrics.db")));
        await service.StartAsync(Ct);
        await Eventually.UntilAsync(() => restarted.Count == 0, TimeSpan.FromSeconds(20), "the replayed batches written", Ct);
        await service.StopAsync(Ct);
        reopened.Dispose();

        var stored = await store.QueryRangeAsync(new RangeQuery(new SeriesSelector("poll"), 0, 10_000, 10_000, Aggregation.Count), Ct);
        Assert.Equal([true, false], replayed.Select(r => r.InDoubt));
        Assert.All(stored, s => Assert.Equal(2, s.Points.Single().Value)); // each of the 3 series: once at 1 s, once at 2 s
        Assert.Equal(3, stored.Count);
    }

    [Fact]
    public async Task ACollectorStoppedWhileTheStoresPostgresIsDown_ReplaysAfterRestart_AndEverySampleArrivesOnce()
    {
        await using var postgres = new PostgresProcess();
        await postgres.InitAndStartAsync();
        await using var store = await PostgresMetricStore.OpenAsync(postgres.ConnectionString, Ct);
        var spoolDir = Path.Combine(_dir, "spool");
        var source = new CountingSource();
        var spool = Spool.Open(spoolDir, 64 << 20, TimeProvider.System, out _);
        var buffer = new WriteBuffer(100_000, spool);
        var (service, _, _) = await TestCollector.CreateAsync([source], store, buffer, SqlDatabase.Postgres(postgres.ConnectionString));
        await service.StartAsync(Ct);
        await Eventually.UntilAsync(() => source.Polls >= 5, TimeSpan.FromSeconds(10), "five polls with the store up", Ct);
        await postgres.StopAsync();
        var pollsAtStop = source.Polls;
        await Eventually.UntilAsync(() => source.Polls >= pollsAtStop + 10, TimeSpan.FromSeconds(20), "ten polls during the outage", Ct);

        // The collector goes away with the store down: its memory is lost, the spool is what remains.
        await service.StopAsync(Ct);
        spool.Dispose();
        var polls = source.Polls;
        var reopened = Spool.Open(spoolDir, 64 << 20, TimeProvider.System, out var replayed);
        var restarted = new WriteBuffer(100_000, reopened, replayed);
        await postgres.StartAsync();
        var (again, _, _) = await TestCollector.CreateAsync([], store, restarted, SqlDatabase.Postgres(postgres.ConnectionString));
        await again.StartAsync(Ct);
        await Eventually.UntilAsync(() => restarted.Count == 0, TimeSpan.FromSeconds(60), "the replayed samples written", Ct);
        await again.StopAsync(Ct);
        reopened.Dispose();

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        async Task<double> Read(Aggregation aggregation) =>
            (await store.QueryRangeAsync(new RangeQuery(new SeriesSelector("poll_number"), now - 3_600_000, now + 1000, 3_601_000, aggregation), Ct)).Single().Points.Single().Value;
        var count = await Read(Aggregation.Count);

        Assert.True(replayed.Sum(r => r.Samples.Count) >= 10, $"{replayed.Sum(r => r.Samples.Count)} samples replayed");
        // Every poll's number once, counted against the source's own count of its polls (the last may have been in flight at the stop).
        Assert.InRange(count, polls - 1, polls);
        Assert.Equal(1, await Read(Aggregation.Min));
        Assert.Equal(count, await Read(Aggregation.Max));
    }
}
