using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.RemoteWrite;
using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Tests;

public class RemoteWriteIngestTests
{
    private const string Instance = "10.0.0.1:8080";

    private static Exposition Scrape(double ok, double errors, double le01, double le02, double inf, double cpu, double busy) => ExpositionParser.Parse($"""
        x0tta6bl4_requests_total{"{"}endpoint="/a",method="GET",status="200"{"}"} {ok}
        x0tta6bl4_requests_total{"{"}endpoint="/a",method="GET",status="503"{"}"} {errors}
        x0tta6bl4_requests_total{"{"}endpoint="/b",method="POST",status="201"{"}"} {ok / 2}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="0.1"{"}"} {le01}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="0.2"{"}"} {le02}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/a",method="GET",le="+Inf"{"}"} {inf}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/b",method="POST",le="0.1"{"}"} {le01 / 2}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/b",method="POST",le="0.2"{"}"} {le02 / 2}
        x0tta6bl4_request_duration_seconds_bucket{"{"}endpoint="/b",method="POST",le="+Inf"{"}"} {inf / 2}
        x0tta6bl4_db_pool_connections_busy {busy}
        x0tta6bl4_db_pool_connections_max 20
        process_cpu_seconds_total {cpu}
        process_resident_memory_bytes 1048576
        process_start_time_seconds 1700000000
        """);

    /// <summary>Three scrapes 15 s apart, the third after a restart (counters reset).</summary>
    private static readonly (Exposition Exposition, long TimestampMs)[] Scrapes =
    [
        (Scrape(100, 0, 50, 80, 100, 1.0, 3), 1_700_000_000_000),
        (Scrape(290, 10, 150, 240, 300, 1.5, 5), 1_700_000_015_000),
        (Scrape(20, 1, 10, 18, 21, 0.2, 2), 1_700_000_030_000),
    ];

    private static (RemoteWriteIngest Ingest, WriteBuffer Buffer) NewIngest(int bufferLimit = 1_000_000) => NewIngest(new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)), bufferLimit);

    private static (RemoteWriteIngest Ingest, WriteBuffer Buffer) NewIngest(FakeTimeProvider time, int bufferLimit = 1_000_000)
    {
        var buffer = new WriteBuffer(2_000_000);
        var collector = new CollectorOptions();
        collector.LatencyHistograms.AddRange(CollectorOptions.DefaultLatencyHistograms);
        collector.RequestCounters.AddRange(CollectorOptions.DefaultRequestCounters);
        var ingest = new RemoteWriteIngest(buffer, Options.Create(collector), Options.Create(new RemoteWriteOptions { Enabled = true, BufferLimit = bufferLimit }),
            time);
        return (ingest, buffer);
    }

    private static IReadOnlyList<PushedSeries> Push(params IEnumerable<RemoteWriteRequests.Series>[] parts) =>
        WriteRequestDecoder.Decode(RemoteWriteRequests.Body(parts.SelectMany(p => p)), 64 * 1024 * 1024);

    private static async Task<IReadOnlyList<SeriesSample>> BufferedAsync(WriteBuffer buffer) =>
        buffer.Count == 0 ? [] : (await buffer.PeekAsync(int.MaxValue, TestContext.Current.CancellationToken)).Samples;

    private static string Text(SeriesSample s) => $"{s.Key} @{s.TimestampMs} = {s.Value:R}";

    [Fact]
    public async Task PushedScrapes_GiveTheSameCanonicalSeriesAsTheDirectScrape()
    {
        var direct = new ScrapeDerivation("api", Instance, TimeSpan.FromSeconds(60), CollectorOptions.DefaultLatencyHistograms, CollectorOptions.DefaultRequestCounters);
        var expected = new List<SeriesSample>();
        foreach (var (exposition, t) in Scrapes)
        {
            var samples = direct.Derive(exposition, t);
            expected.AddRange([.. samples, .. DerivedSeries.From(samples)]);
        }

        var (ingest, buffer) = NewIngest();
        foreach (var (exposition, t) in Scrapes)
        {
            Assert.True(ingest.Accept(Push(RemoteWriteRequests.FromExposition(exposition, "api", Instance, t))).Accepted);
        }

        var pushed = await BufferedAsync(buffer);
        // The same series, values and timestamps; only the source label says how they came.
        Assert.Contains(pushed, s => s.Key.Name == CanonicalSeries.ApiLatencySeconds);
        Assert.Contains(pushed, s => s.Key.Name == DerivedSeries.DbPoolUsageRatio);
        Assert.All(pushed, s => Assert.Equal(RemoteWriteIngest.SourceLabel, s.Key["source"]));
        Assert.Equal(expected.Select(s => Text(s with { Key = s.Key.With("source", RemoteWriteIngest.SourceLabel) })).Order(StringComparer.Ordinal),
            pushed.Select(Text).Order(StringComparer.Ordinal));
        Assert.All(pushed.Where(s => s.Key["pod"] is not null), s => Assert.Equal(Instance, s.Key["pod"]));
    }

    [Fact]
    public async Task ScrapeSplitOverTwoRequests_DerivedOnceComplete()
    {
        var (ingest, buffer) = NewIngest();
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        var second = RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs);
        var before = buffer.Count;

        // The report series and half the buckets first (another shard's batch), then the rest.
        ingest.Accept(Push(second.Skip(7)));
        Assert.Equal(before, buffer.Count);
        ingest.Accept(Push(second.Take(7)));

        var samples = await BufferedAsync(buffer);
        var p50 = samples.Single(s => s.Key.Name == CanonicalSeries.ApiLatencySeconds && s.Key["quantile"] == "0.5" && s.TimestampMs == Scrapes[1].TimestampMs);
        Assert.Equal(0.1, p50.Value, 12);
    }

    [Fact]
    public async Task ScrapeWithoutReportSeries_DerivedWhenTheNextTimestampArrives()
    {
        var (ingest, buffer) = NewIngest();
        IEnumerable<RemoteWriteRequests.Series> Bare(int i) =>
            RemoteWriteRequests.FromExposition(Scrapes[i].Exposition, "api", Instance, Scrapes[i].TimestampMs).Where(s => s.Labels[0].Value is not ("up" or "scrape_samples_post_metric_relabeling"));

        ingest.Accept(Push(Bare(0)));
        ingest.Accept(Push(Bare(1)));
        Assert.DoesNotContain(await BufferedAsync(buffer), s => s.TimestampMs == Scrapes[1].TimestampMs);

        ingest.Accept(Push(Bare(2)));
        Assert.Contains(await BufferedAsync(buffer), s => s.Key.Name == CanonicalSeries.ApiLatencySeconds && s.TimestampMs == Scrapes[1].TimestampMs);
    }

    [Fact]
    public async Task LateSamplesOfADerivedScrape_LeftOutAndCounted()
    {
        var (ingest, buffer) = NewIngest();
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs)));
        var count = buffer.Count;
        var ignored = RemoteWriteMetrics.SamplesIgnored.WithLabels("out_of_order").Value;

        // The first scrape again (a retried request whose answer was lost).
        var again = ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));

        Assert.True(again.Accepted);
        Assert.Equal(0, again.SamplesDerived);
        Assert.Equal(count, buffer.Count);
        Assert.True(RemoteWriteMetrics.SamplesIgnored.WithLabels("out_of_order").Value - ignored >= Scrapes[0].Exposition.Samples.Count + 2);
        Assert.Equal(count, (await BufferedAsync(buffer)).Count);
    }

    [Fact]
    public async Task BufferAtTheLimit_RefusedAndNothingChanges()
    {
        var (ingest, buffer) = NewIngest(bufferLimit: 5);
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        Assert.True(buffer.Count >= 5);

        var refused = ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs)));

        Assert.False(refused.Accepted);
        Assert.Equal(0, refused.SamplesReceived);
        // Once the buffer drains, the same push is accepted and derived against the first scrape: the refusal left no trace.
        buffer.Remove(await buffer.PeekAsync(int.MaxValue, TestContext.Current.CancellationToken));
        var retried = ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs)));
        Assert.True(retried.Accepted);
        Assert.True(retried.SamplesDerived > 10);
    }

    [Fact]
    public async Task SeriesWithoutJob_AndStaleMarkers_LeftOutAndCounted()
    {
        var (ingest, buffer) = NewIngest();
        var noJob = RemoteWriteMetrics.SamplesIgnored.WithLabels("no_job").Value;
        var stale = BitConverter.UInt64BitsToDouble(0x7ff0000000000002);

        ingest.Accept(Push([new RemoteWriteRequests.Series([("__name__", "process_resident_memory_bytes"), ("instance", "x")], [(1, 1_000)]),
            new RemoteWriteRequests.Series([("__name__", "process_resident_memory_bytes"), ("job", "api"), ("instance", "x")], [(stale, 1_000)])]));

        Assert.Equal(1, RemoteWriteMetrics.SamplesIgnored.WithLabels("no_job").Value - noJob);
        Assert.Empty(await BufferedAsync(buffer));
    }

    [Fact]
    public async Task TargetSilentForOverAnHour_Forgotten_ItsNextPushStartsAfresh()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Scrapes[0].TimestampMs));
        var (ingest, buffer) = NewIngest(time);
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        buffer.Remove(await buffer.PeekAsync(int.MaxValue, TestContext.Current.CancellationToken));

        time.Advance(TimeSpan.FromHours(2));
        var later = Scrapes[0].TimestampMs + 7_200_000;
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "other", Instance, later)));
        var back = ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, later)));

        // A first scrape again: gauges only, no rate over the two hours against the forgotten baseline.
        Assert.True(back.SamplesDerived > 0);
        Assert.DoesNotContain(await BufferedAsync(buffer), s => s.Key["job"] == "api" && s.Key.Name == CanonicalSeries.ApiRequestsPerSecond);
        Assert.Equal(["api", "other"], ingest.Jobs().Select(j => j.Job).Order(StringComparer.Ordinal));
    }
}
