using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>
/// Retention folds raw days into the 1-min tier as it drops them (MinuteTier); a process killed (SIGKILL) in the
/// middle of that, on each store, leaves every minute counted exactly once — its day still raw or already folded,
/// never both and never neither — and a retention run afterwards finishes the job with the same answers.
/// The retaining process is tests/StoreWriter in its "retain" mode.
/// </summary>
public sealed class RetentionCrashTests() : StoreKillTests("x0-retention-crash-")
{
    private const int Series = 30;
    private const int Days = 4;
    private const long StartMs = 1_794_268_800_000; // 2026-11-10 00:00 UTC

    [Fact]
    public Task Sqlite_KilledWhileFoldingRawDays_CountsEveryMinuteAndHourOnce() => OnSqliteAsync(AssertSurvivesKillAsync);

    [Fact]
    public Task Postgres_KilledWhileFoldingRawDays_CountsEveryMinuteAndHourOnce() => OnPostgresAsync(AssertSurvivesKillAsync);

    private static async Task AssertSurvivesKillAsync(string provider, string target, Func<Task<IMetricStore>> open)
    {
        var ct = TestContext.Current.CancellationToken;
        var store = await open();
        var keys = Enumerable.Range(0, Series).Select(s => SeriesKey.Of("retained_metric", ("series", $"s{s:D2}"))).ToArray();
        for (var hour = 0; hour < Days * 24; hour++)
        {
            var batch = new List<SeriesSample>();
            for (var t = StartMs + hour * 3_600_000L; t < StartMs + (hour + 1) * 3_600_000L; t += 15_000)
            {
                batch.AddRange(keys.Select((k, s) => new SeriesSample(k, t, s + t / 15_000 % 7)));
            }

            await store.WriteAsync(batch, ct);
        }

        var query = new RangeQuery(new SeriesSelector("retained_metric"), StartMs, StartMs + Days * 86_400_000L - 1, 60_000, Aggregation.Count);
        var sums = new RangeQuery(query.Selector, query.FromMs, query.ToMs, 3_600_000 / 4, Aggregation.Avg); // 15-min steps: raw and tier merged
        var expectedSums = await store.QueryRangeAsync(sums, ct);
        var hours = new RangeQuery(query.Selector, query.FromMs, query.ToMs, 3_600_000, Aggregation.Avg); // the 1-h tier (PostgreSQL: chunk summaries, then tier rows)
        var expectedHours = await store.QueryRangeAsync(hours, ct);
        var hourCounts = new RangeQuery(query.Selector, query.FromMs, query.ToMs, 3_600_000, Aggregation.Count);

        await RetainUntilKilledAsync(provider, target, new Random(16), ct);

        async Task AssertEveryMinuteOnceAsync(IMetricStore reopened)
        {
            var minutes = await reopened.QueryRangeAsync(query, ct);
            Assert.Equal(Series, minutes.Count);
            Assert.All(minutes, s => Assert.Equal(Enumerable.Repeat(4.0, Days * 1_440), s.Points.Select(p => p.Value)));
            var after = await reopened.QueryRangeAsync(sums, ct);
            Assert.Equal(expectedSums.SelectMany(s => s.Points), after.SelectMany(s => s.Points));
            Assert.Equal(expectedHours.SelectMany(s => s.Points), (await reopened.QueryRangeAsync(hours, ct)).SelectMany(s => s.Points));
            Assert.All(await reopened.QueryRangeAsync(hourCounts, ct), s => Assert.Equal(Enumerable.Repeat(240.0, Days * 24), s.Points.Select(p => p.Value)));
        }

        var reopened = await open();
        await AssertEveryMinuteOnceAsync(reopened);

        // The rest of the retention, in process: the same answers, and the raw samples of the dropped days gone.
        await reopened.EnforceRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(400), TimeSpan.FromDays(400)), DateTimeOffset.FromUnixTimeMilliseconds(StartMs).AddDays(Days + 1), ct);
        await AssertEveryMinuteOnceAsync(reopened);
        Assert.Empty(await reopened.QueryRangeAsync(new RangeQuery(query.Selector, StartMs, StartMs + 86_400_000L - 1, 30_000, Aggregation.Count), ct));
    }

    /// <summary>Starts the retaining process and kills it a moment after its first day, inside the next day's fold.</summary>
    private static async Task RetainUntilKilledAsync(string provider, string target, Random random, CancellationToken ct)
    {
        using var process = StartStoreWriter("retain", provider, target, StartMs.ToString(), (Days - 1).ToString());
        var error = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        Thread.SpinWait(random.Next(1, 2_000_000));
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync(ct);
        Assert.True(line == "retained 1", $"the retaining process printed '{line}': {await error}");
    }
}
