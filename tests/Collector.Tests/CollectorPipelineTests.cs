using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

public sealed class CollectorPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-collector-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class FixedSource(Func<Task<IReadOnlyList<SeriesSample>>> collect) : ISource
    {
        public string Name => "test/source";
        public string Endpoint => "http://127.0.0.1:1/";
        public TimeSpan Interval => TimeSpan.FromSeconds(15);
        public TimeSpan Timeout => TimeSpan.FromMilliseconds(300);
        public Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken) => collect();
    }


    private async Task<(CollectorService Service, WriteBuffer Buffer, SqlCollectorStateStore State)> NewServiceAsync(ISource source)
    {
        var path = Path.Combine(_dir, "m.db");
        var store = await SqliteMetricStore.OpenAsync(path);
        var buffer = new WriteBuffer(10_000);
        var (service, state, _) = await TestCollector.CreateAsync([source], store, buffer, SqlDatabase.Sqlite(path));
        return (service, buffer, state);
    }

    [Fact]
    public async Task PollOnce_SourceThrows_MarksItDownWithTheErrorAndRecordsSourceUpZero()
    {
        var source = new FixedSource(() => throw new SourceException("GET http://127.0.0.1:1/ failed: Connection refused"));
        var (service, buffer, state) = await NewServiceAsync(source);

        await service.PollOnceAsync(source, TestContext.Current.CancellationToken);

        var status = await state.StatusAsync("test/source");
        Assert.Equal(SourceState.Down, status.State);
        Assert.Equal("test-collector", status.Collector);
        Assert.Contains("Connection refused", status.LastError);
        Assert.Null(status.LastSuccess);
        var buffered = (await buffer.PeekAsync(100, TestContext.Current.CancellationToken)).Samples;
        Assert.Equal(0, buffered.Single(s => s.Key.Name == CanonicalSeries.SourceUp).Value);
    }

    [Fact]
    public async Task PollOnce_SourceHangs_TimesOutAndSaysSo()
    {
        var source = new FixedSource(async () => { await Task.Delay(Timeout.Infinite, new CancellationTokenSource(5000).Token); return []; });
        var (service, _, state) = await NewServiceAsync(new TimeoutAware(source));

        await service.PollOnceAsync(new TimeoutAware(source), TestContext.Current.CancellationToken);

        Assert.Contains("No answer within 0.3 s", (await state.StatusAsync("test/source")).LastError);
    }

    /// <summary>Passes the poll's token on, as real sources do.</summary>
    private sealed class TimeoutAware(ISource inner) : ISource
    {
        public string Name => inner.Name;
        public string Endpoint => inner.Endpoint;
        public TimeSpan Interval => inner.Interval;
        public TimeSpan Timeout => inner.Timeout;
        public async Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken)
        {
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
            return [];
        }
    }

    [Fact]
    public async Task PollOnce_Success_BuffersSamplesAndMarksUp()
    {
        var key = SeriesKey.Of("pod_memory_bytes", ("job", "api"));
        var source = new FixedSource(() => Task.FromResult<IReadOnlyList<SeriesSample>>([new(key, 1, 42)]));
        var (service, buffer, state) = await NewServiceAsync(source);

        await service.PollOnceAsync(source, TestContext.Current.CancellationToken);

        var status = await state.StatusAsync("test/source");
        Assert.Equal(SourceState.Up, status.State);
        Assert.Equal(TimeSpan.FromSeconds(15), status.Interval);
        var buffered = (await buffer.PeekAsync(100, TestContext.Current.CancellationToken)).Samples;
        Assert.Contains(buffered, s => s.Key.Equals(key) && s.Value == 42);
        Assert.Equal(1, buffered.Single(s => s.Key.Name == CanonicalSeries.SourceUp).Value);
    }

    /// <summary>A source with its own name and interval whose polls take as long as it is told, on the test's clock.</summary>
    private sealed class TimedSource(string name, TimeSpan interval, TimeSpan pollTakes, TimeProvider time) : ISource
    {
        public int Polls;
        public string Name => name;
        public string Endpoint => name;
        public TimeSpan Interval => interval;
        public TimeSpan Timeout => TimeSpan.FromSeconds(30);
        public async Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Polls);
            await Task.Delay(pollTakes, time, cancellationToken);
            return [new SeriesSample(SeriesKey.Of("test_value", ("source", name)), timestampMs, 1)];
        }
    }

    [Fact]
    public async Task Running_ASlowSource_DoesNotHoldUpAFastOne_AndSamplesReachTheStore()
    {
        var ct = TestContext.Current.CancellationToken;
        // The schedule runs on a fake clock the test moves, so a loaded machine cannot make the fast source look slow.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var fast = new TimedSource("fast", TimeSpan.FromMilliseconds(100), TimeSpan.Zero, time);
        var slow = new TimedSource("slow", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), time);
        var path = Path.Combine(_dir, "run.db");
        var store = await SqliteMetricStore.OpenAsync(path, ct);
        var (service, _, _) = await TestCollector.CreateAsync([fast, slow], store, new WriteBuffer(10_000), SqlDatabase.Sqlite(path), time);

        await service.StartAsync(ct);
        // Each look moves the clock one fast interval on; ten fast polls must happen while the slow source's first
        // poll (an hour long) is still running.
        await Eventually.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            return Task.FromResult(fast.Polls);
        }, polls => polls >= 10, TimeSpan.FromSeconds(30), "ten polls of the fast source", ct);
        await Eventually.UntilAsync(async () => (await store.LatestAsync(SeriesSelector.Where("test_value", ("source", "fast")), ct)).Count == 1,
            TimeSpan.FromSeconds(30), "the fast source's samples in the store", ct);
        var slowPolls = slow.Polls;
        await service.StopAsync(ct);

        Assert.Equal(1, slowPolls);      // still inside its first, hour-long poll
    }

    /// <summary>A differencing source that counts its polls and the times it was told to start its baseline again.</summary>
    private sealed class BaselineSource : ISource, IPollBaseline
    {
        public int Polls;
        public int Forgotten;
        public string Name => "test/baseline";
        public string Endpoint => Name;
        public TimeSpan Interval => TimeSpan.FromMilliseconds(50);
        public TimeSpan Timeout => TimeSpan.FromSeconds(5);
        public void ForgetPreviousPoll() => Interlocked.Increment(ref Forgotten);
        public Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Polls);
            return Task.FromResult<IReadOnlyList<SeriesSample>>([]);
        }
    }

    [Fact]
    public async Task Running_LeaseHeldByAnotherInstance_TellsTheSourceToForgetItsPreviousPoll()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_dir, "lease.db");
        var store = await SqliteMetricStore.OpenAsync(path, ct);
        var source = new BaselineSource();
        // The other instance takes the lease first and keeps it (10 s, longer than the test).
        var (_, _, other) = await TestCollector.CreateAsync([], store, new WriteBuffer(10), SqlDatabase.Sqlite(path), instance: "other");
        other.Want(source.Name);
        await other.RenewAsync(ct);
        Assert.True(other.Holds(source.Name));
        var (service, _, _) = await TestCollector.CreateAsync([source], store, new WriteBuffer(10_000), SqlDatabase.Sqlite(path));

        await service.StartAsync(ct);
        await Eventually.UntilAsync(() => source.Forgotten >= 3, TimeSpan.FromSeconds(5), "three skipped polls", ct);
        await service.StopAsync(ct);

        Assert.Equal(0, source.Polls);
    }

    [Fact]
    public async Task WriteBuffer_OverCapacity_DropsTheOldestBatchesAndCountsThem()
    {
        var buffer = new WriteBuffer(1000);
        SeriesSample[] Batch(int value) => Enumerable.Range(0, 400).Select(i => new SeriesSample(SeriesKey.Of("m"), i, value)).ToArray();

        buffer.Add(Batch(1));
        buffer.Add(Batch(2));
        buffer.Add(Batch(3)); // 1200 > 1000: batch 1 goes

        Assert.Equal(800, buffer.Count);
        Assert.Equal(400, buffer.Dropped);
        var peeked = (await buffer.PeekAsync(10_000, TestContext.Current.CancellationToken)).Samples;
        Assert.Equal(2, peeked[0].Value);
    }

    [Fact]
    public async Task WriteBuffer_RemoveAfterPeek_KeepsWhatWasNotWritten()
    {
        var buffer = new WriteBuffer(10_000);
        buffer.Add([new SeriesSample(SeriesKey.Of("a"), 1, 1)]);
        buffer.Add([new SeriesSample(SeriesKey.Of("b"), 1, 2)]);

        var first = await buffer.PeekAsync(1, TestContext.Current.CancellationToken);
        buffer.Remove(first);

        Assert.Equal(1, buffer.Count);
        Assert.Equal("b", (await buffer.PeekAsync(10, TestContext.Current.CancellationToken)).Samples.Single().Key.Name);
    }

    [Fact]
    public async Task WriteBuffer_OverflowDuringAWrite_RemovesOnlyWhatWasWritten()
    {
        var buffer = new WriteBuffer(1000);
        SeriesSample[] Batch(string name, int count) => Enumerable.Range(0, count).Select(i => new SeriesSample(SeriesKey.Of(name), i, 1)).ToArray();
        buffer.Add(Batch("a", 600));
        var writing = await buffer.PeekAsync(10_000, TestContext.Current.CancellationToken);

        // While "a" is being written, two batches arrive and the limit drops "a" (the oldest).
        buffer.Add(Batch("b", 300));
        buffer.Add(Batch("c", 300));
        buffer.Remove(writing); // the write of "a" succeeded

        var left = (await buffer.PeekAsync(10_000, TestContext.Current.CancellationToken)).Samples;
        Assert.Equal(600, buffer.Count);
        Assert.Equal(["b", "c"], left.Select(s => s.Key.Name).Distinct());
    }
}
