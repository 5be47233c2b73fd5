using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>
/// A writer process killed (SIGKILL) in the middle of its writes, three times over, on each store: every batch
/// it was told was written is there, no batch is half there, the tiers agree with the raw chunks, and the
/// store takes the next write. The writer is tests/StoreWriter, writing batch after batch as fast as it can,
/// so a kill nearly always lands inside a write; its batches cross a chunk boundary.
/// </summary>
public sealed class CrashTests() : StoreKillTests("x0-crash-")
{
    private const int Series = 20;
    private const long From = 1_795_136_340_000; // 2026-11-20 00:59:00 UTC; the writes start 30 s later
    private const long StartMs = From + 30_000;

    [Fact]
    public Task Sqlite_WriterKilledMidWrite_LosesNothingCommitted() => OnSqliteAsync(AssertSurvivesKillsAsync);

    [Fact]
    public Task Postgres_WriterKilledMidWrite_LosesNothingCommitted() => OnPostgresAsync(AssertSurvivesKillsAsync);

    private static async Task AssertSurvivesKillsAsync(string provider, string target, Func<Task<IMetricStore>> open)
    {
        var ct = TestContext.Current.CancellationToken;
        var random = new Random(16);
        var committed = -1L;
        for (var round = 0; round < 3; round++)
        {
            // The next round starts after the last batch reported: one that was written but not reported yet is
            // written again, and refused as a repeat.
            committed = Math.Max(committed, await WriteUntilKilledAsync(provider, target, committed + 1, 15 + random.Next(25), random, ct));
        }

        var store = await open();
        var selector = new SeriesSelector("crash_metric");
        var to = From + 10 * 60_000 - 1;
        var raw = await store.QueryRangeAsync(new RangeQuery(selector, From, to, 1_000, Aggregation.Last), ct);
        Assert.Equal(Series, raw.Count);
        var held = raw[0].Points.Count;
        foreach (var series in raw)
        {
            // Batches 0 … n, each exactly once and in place: at least every reported one, and the same n in every series (no torn batch).
            Assert.Equal(held, series.Points.Count);
            Assert.Equal(Enumerable.Range(0, held).Select(i => new Sample(StartMs + i * 1_000L, i)), series.Points);
        }

        Assert.True(held > committed, $"batch {committed} was reported written, but the store holds batches 0 to {held - 1}");
        var tierCount = (await store.QueryRangeAsync(new RangeQuery(selector, From, to, 60_000, Aggregation.Count), ct)).Sum(s => s.Points.Sum(p => p.Value));
        Assert.Equal(Series * held, tierCount);

        var next = await store.WriteAsync([new SeriesSample(raw[0].Key, StartMs + held * 1_000L, held)], ct);
        Assert.Equal(1, next.Written);
    }

    /// <summary>Starts the writer, kills it once it has reported <paramref name="killAfter"/> batches; returns the last batch it reported.</summary>
    private static async Task<long> WriteUntilKilledAsync(string provider, string target, long first, int killAfter, Random random, CancellationToken ct)
    {
        using var process = StartStoreWriter(provider, target, first.ToString(), StartMs.ToString(), Series.ToString());
        var error = process.StandardError.ReadToEndAsync(ct);
        var last = first - 1;
        var reported = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                last = long.Parse(line["committed ".Length..]);
                if (++reported == killAfter)
                {
                    // A moment into the next write: its transaction is open, mid-statement or committing.
                    Thread.SpinWait(random.Next(1, 200_000));
                    process.Kill();
                    break;
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        // Lines the writer printed before it died still count as reported.
        while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            last = long.Parse(line["committed ".Length..]);
        }

        await process.WaitForExitAsync(ct);
        Assert.True(reported == killAfter, $"the writer ended by itself after {reported} batches: {await error}");
        return last;
    }
}
