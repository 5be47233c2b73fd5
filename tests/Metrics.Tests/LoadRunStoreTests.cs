using X0tta6bl4.Ops.Metrics.LoadRuns;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>The load-run tables, the same on both providers.</summary>
public abstract class LoadRunStoreTests(ITestDatabase test) : IAsyncLifetime
{
    private SqlDatabase Database => test.Database;

    public ValueTask InitializeAsync() => test.InitializeAsync();

    public ValueTask DisposeAsync() => test.DisposeAsync();

    private async Task<SqlLoadRunStore> OpenAsync()
    {
        var store = new SqlLoadRunStore(Database);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        await store.MigrateAsync(TestContext.Current.CancellationToken);
        return store;
    }

    [Fact]
    public async Task ARun_RecordsItsSeconds_HearsAStopRequest_AndFinishesWithItsResult()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();

        var id = (await store.StartAsync("seed", "load", "{\"name\":\"seed\"}", "ana", "dash-1", 1_000, 1, ct))!.Value;
        var second = await store.StartAsync("another", "load", "{}", "bo", "dash-2", 1_500, 1, ct); // one at a time
        var stopBefore = await store.RecordSecondAsync(id, 0, "{\"s\":0}", "{\"elapsed\":1}", 2_000, ct);
        var running = await store.RunningAsync(ct);
        var asked = await store.RequestStopAsync(id, ct);
        var stopAfter = await store.RecordSecondAsync(id, 1, "{\"s\":1}", "{\"elapsed\":2}", 3_000, ct);
        await store.RecordSecondAsync(id, 1, "{\"s\":\"1 again\"}", "{\"elapsed\":2}", 3_100, ct); // a second written twice keeps one row
        await store.FinishAsync(id, LoadRunStatus.Stopped, "{\"summary\":1,\"seconds\":[]}", "{\"summary\":1}", null, null, 3_500, ct);
        var askedAgain = await store.RequestStopAsync(id, ct);
        var run = (await store.GetAsync(id, ct))!;
        var listed = (await store.ListAsync(10, ct)).Single();
        var seconds = await store.SecondsAsync(id, ct);

        Assert.Null(second);
        Assert.Equal((false, true, true, false), (stopBefore, asked, stopAfter, askedAgain));
        Assert.Equal(id, running.Single().Id);
        Assert.Equal(LoadRunStatus.Stopped, run.Status);
        Assert.Equal(("ana", "dash-1", 3_500L, 3_500L), (run.StartedBy, run.Runner, run.EndedMs!.Value, run.HeartbeatMs));
        Assert.Equal("{\"elapsed\":2}", run.ProgressJson);
        Assert.Equal("{\"summary\":1,\"seconds\":[]}", run.ResultJson);
        Assert.Equal("{\"summary\":1}", listed.SummaryJson);
        Assert.Null(listed.ResultJson);                   // the list leaves the big documents out
        Assert.Equal([0, 1], seconds.Select(s => s.Second));
        Assert.Equal("{\"s\":\"1 again\"}", seconds[1].SnapshotJson);
        Assert.Empty(await store.RunningAsync(ct));
    }

    [Fact]
    public async Task NewestCapacity_IsTheLatestFinishedSearchThatFoundARate_AndAbandonedRunsFail()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await OpenAsync();
        var older = (await store.StartAsync("cap 1", "capacity", "{}", "ana", "d", 1_000, 5, ct))!.Value;
        await store.FinishAsync(older, LoadRunStatus.Completed, "{}", "{}", 900, null, 2_000, ct);
        var nothingFound = (await store.StartAsync("cap 2", "capacity", "{}", "ana", "d", 3_000, 5, ct))!.Value;
        await store.FinishAsync(nothingFound, LoadRunStatus.Completed, "{}", "{}", null, null, 4_000, ct);
        var abandoned = (await store.StartAsync("load", "load", "{}", "ana", "d", 5_000, 5, ct))!.Value;

        var failed = await store.FailAbandonedAsync(heartbeatBeforeMs: 10_000, atMs: 20_000, ct);
        var newest = await store.NewestCapacityAsync(ct);

        Assert.Equal(older, newest!.Id);
        Assert.Equal(900, newest.CapacityRps);
        Assert.Equal(1, failed);
        Assert.Equal(LoadRunStatus.Failed, (await store.GetAsync(abandoned, ct))!.Status);
        Assert.Contains("stopped reporting", (await store.GetAsync(abandoned, ct))!.Error);
    }
}

public sealed class SqliteLoadRunStoreTests() : LoadRunStoreTests(new SqliteTestDatabase());

public sealed class PostgresLoadRunStoreTests() : LoadRunStoreTests(new PostgresTestDatabase());
