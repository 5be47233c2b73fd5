using System.Diagnostics;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// One Overview refresh (the last hour, week over week on), as a live tab makes it every refresh, over the report
/// benchmark's 7 days of the stack's series in a SQLite store: the store reads it makes, the time it spends in the
/// store (summed over reads) and its wall time, median of the rounds; against one LatestAsync of one series, the
/// smallest read, in the same run.
/// </summary>
internal static class OverviewBenchmark
{
    public static async Task<int> RunAsync(string sqlitePath, int rounds)
    {
        var inner = await SqliteMetricStore.OpenAsync(sqlitePath);
        var store = new CountingStore(inner);
        var database = SqlDatabase.Sqlite(sqlitePath);
        var settings = await SqlSettingsStore.OpenAsync(database);
        var state = new SqlCollectorStateStore(database);
        await state.MigrateAsync(CancellationToken.None);
        var alerts = await SqlAlertStore.OpenAsync(database);

        // The last hour of the data (it ends at the hour it was written), on a clock stopped there, as a live tab sees it.
        var newest = (await inner.LatestAsync(new SeriesSelector(Metrics.Catalog.CanonicalSeries.ApiRequestsPerSecond))).Max(l => l.Sample.Timestamp);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(newest.AddSeconds(1));
        var range = TimeRange.Preset("1h", clock.GetUtcNow());
        var reader = new SeriesReader(store, clock);
        var query = new OverviewQuery(reader, state, alerts, new SlaTargets(Options.Create(new SlaOptions()), settings));

        async Task<(int Reads, double StoreMs, double WallMs)> RefreshAsync()
        {
            store.Reset();
            var watch = Stopwatch.StartNew();
            await query.LoadAsync(null, range, weekAgo: true);
            return (store.Reads, store.Milliseconds, watch.Elapsed.TotalMilliseconds);
        }

        await RefreshAsync(); // warm up
        var refreshes = new List<(int Reads, double StoreMs, double WallMs)>();
        var single = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            refreshes.Add(await RefreshAsync());
            var watch = Stopwatch.StartNew();
            await inner.LatestAsync(SeriesSelector.Where(Metrics.Catalog.CanonicalSeries.ApiRequestsPerSecond, ("job", "api"), ("class", "2xx")));
            single.Add(watch.Elapsed.TotalMilliseconds);
        }

        static double Median(IEnumerable<double> values) => Figures.Percentile(values.ToList(), 0.5);

        var one = Median(single);
        Figures.Print("overview_store_reads_per_refresh", Median(refreshes.Select(r => (double)r.Reads)), "0");
        Figures.Print("overview_store_ms_per_refresh", Median(refreshes.Select(r => r.StoreMs)), "0.0");
        Figures.Print("overview_refresh_wall_ms", Median(refreshes.Select(r => r.WallMs)), "0.0");
        Figures.Print("one_latest_read_ms", one, "0.00");
        Figures.Print("overview_refresh_vs_one_read_ratio", Median(refreshes.Select(r => r.WallMs)) / one, "0.0");
        return 0;
    }

    /// <summary>The store, counting its reads and the time spent in them (overlapping reads each count their own time).</summary>
    private sealed class CountingStore(IMetricStore inner) : IMetricStore
    {
        private int _reads;
        private long _ticks;

        public int Reads => _reads;

        public double Milliseconds => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalMilliseconds;

        public void Reset() => (_reads, _ticks) = (0, 0);

        private async Task<T> Count<T>(Func<Task<T>> read)
        {
            Interlocked.Increment(ref _reads);
            var start = Stopwatch.GetTimestamp();
            try
            {
                return await read();
            }
            finally
            {
                Interlocked.Add(ref _ticks, Stopwatch.GetElapsedTime(start).Ticks);
            }
        }

        public Task<WriteResult> WriteAsync(IReadOnlyCollection<SeriesSample> samples, CancellationToken ct = default) => inner.WriteAsync(samples, ct);

        public Task<IReadOnlyList<RangeSeries>> QueryRangeAsync(RangeQuery query, CancellationToken ct = default) => Count(() => inner.QueryRangeAsync(query, ct));

        public Task<IReadOnlyList<LatestSample>> LatestAsync(SeriesSelector selector, CancellationToken ct = default) => Count(() => inner.LatestAsync(selector, ct));

        public Task<IReadOnlyList<string>> ListNamesAsync(CancellationToken ct = default) => Count(() => inner.ListNamesAsync(ct));

        public Task<IReadOnlyList<SeriesKey>> ListSeriesAsync(SeriesSelector selector, CancellationToken ct = default) => Count(() => inner.ListSeriesAsync(selector, ct));

        public Task<int> EnforceRetentionAsync(RetentionPolicy policy, DateTimeOffset now, CancellationToken ct = default) => inner.EnforceRetentionAsync(policy, now, ct);
    }
}
