using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Dashboard.Reports;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Reports;

namespace X0tta6bl4.Ops.Dashboard.Tests.Reports;

/// <summary>
/// A report builder over a real SQLite store with known contents. The window is 26 Nov 2026 (a custom day); one
/// poll a minute, with a two-hour gap from 10:00 to 12:00 in which nothing was stored.
/// </summary>
public sealed class ReportFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset Day = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    public StoreFixture Store { get; private init; } = null!;

    public SqlReportStore Reports { get; private init; } = null!;

    public ReportOptions Options { get; } = new();

    public static ReportRequest DayRequest(CompareWith compare = CompareWith.Previous) =>
        new(null, "custom", "2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", compare, null);

    public static async Task<ReportFixture> CreateAsync()
    {
        var store = await StoreFixture.CreateAsync();
        var reports = new SqlReportStore(X0tta6bl4.Ops.Metrics.Store.SqlDatabase.Sqlite(store.StorePath));
        await reports.MigrateAsync(CancellationToken.None);
        return new ReportFixture { Store = store, Reports = reports };
    }

    public ReportBaseline Baseline => new(Store.Settings);

    public ReportBuilder Builder()
    {
        var sla = Store.SlaTargets;
        var rules = new AlertRules(Microsoft.Extensions.Options.Options.Create(new AlertOptions()), sla, Store.Settings);
        return new ReportBuilder(Store.Store, Store.Reader, sla, rules, Store.Alerts, Store.LoadRuns,
            new CapacityQuery(Store.Reader, sla, Store.LoadRuns), Baseline,
            Microsoft.Extensions.Options.Options.Create(new ResourceOptions()), Microsoft.Extensions.Options.Options.Create(Options), Store.Time);
    }

    /// <summary>Minutes of the day that have a poll: all but 10:00–11:59.</summary>
    public static IEnumerable<int> PolledMinutes() => Enumerable.Range(0, 1440).Where(m => m is < 600 or >= 720);

    private static SeriesKey Api(string name, params (string, string)[] labels) =>
        SeriesKey.Of(name, [.. labels, ("job", "api"), ("source", "scrape")]);

    /// <summary>
    /// Each poll of the day: 8 requests ≤ 100 ms and 2 more ≤ 500 ms (so 10 in all); 9 req/s 2xx and 1 req/s 5xx;
    /// pool 15 busy of 20; DB cache hit ratio 0.995. The previous day: 10 of 10 requests ≤ 100 ms, 6 + 0 req/s.
    /// </summary>
    public Task WriteTwoDaysAsync() => WriteTwoDaysAsync(Store);

    public static async Task WriteTwoDaysAsync(StoreFixture store)
    {
        var samples = new List<SeriesSample>();
        foreach (var minute in PolledMinutes())
        {
            var t = Day.AddMinutes(minute).ToUnixTimeMilliseconds();
            samples.Add(new(Api(HistogramSeries.ApiLatencyBucketIncrease, ("le", "0.1")), t, 8));
            samples.Add(new(Api(HistogramSeries.ApiLatencyBucketIncrease, ("le", "0.5")), t, 10));
            samples.Add(new(Api(HistogramSeries.ApiLatencyBucketIncrease, ("le", "+Inf")), t, 10));
            samples.Add(new(Api(CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), t, 9));
            samples.Add(new(Api(CanonicalSeries.ApiRequestsPerSecond, ("class", "5xx")), t, 1));
            samples.Add(new(Api(CanonicalSeries.DbPoolConnections, ("pod", "p1"), ("state", "busy")), t, 15));
            samples.Add(new(Api(CanonicalSeries.DbPoolMaxConnections, ("pod", "p1")), t, 20));
            samples.Add(new(Api(DerivedSeries.DbPoolUsageRatio, ("pod", "p1")), t, 0.75));
            samples.Add(new(Api(CanonicalSeries.PodMemoryBytes, ("pod", "p1")), t, 100 * 1024 * 1024));
            samples.Add(new(store.Pg(PostgresSeries.CacheHitRatio, ("database", "x0tta6bl4")), t, 0.995));

            var before = Day.AddDays(-1).AddMinutes(minute).ToUnixTimeMilliseconds();
            samples.Add(new(Api(HistogramSeries.ApiLatencyBucketIncrease, ("le", "0.1")), before, 10));
            samples.Add(new(Api(HistogramSeries.ApiLatencyBucketIncrease, ("le", "0.5")), before, 10));
            samples.Add(new(Api(HistogramSeries.ApiLatencyBucketIncrease, ("le", "+Inf")), before, 10));
            samples.Add(new(Api(CanonicalSeries.ApiRequestsPerSecond, ("class", "2xx")), before, 6));
        }

        foreach (var chunk in samples.Chunk(5000))
        {
            await store.Store.WriteAsync(chunk, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync() => await Store.DisposeAsync();
}
