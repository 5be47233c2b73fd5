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
    /// <summary>This test's own counters: xunit makes an instance per test, so no other ingest adds to what it reads.</summary>
    private readonly RemoteWriteMetrics _metrics = RemoteWriteMetrics.Isolated();

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

    private (RemoteWriteIngest Ingest, WriteBuffer Buffer) NewIngest(int bufferLimit = 1_000_000) => NewIngest(new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)), bufferLimit);

    private (RemoteWriteIngest Ingest, WriteBuffer Buffer) NewIngest(FakeTimeProvider time, int bufferLimit = 1_000_000, int maxPendingScrapes = 16,
        HeldScrapeLog? log = null, IReadOnlyList<HeldScrapeLog.Batch>? replayed = null)
    {
        var buffer = new WriteBuffer(2_000_000);
        var collector = new CollectorOptions();
        collector.LatencyHistograms.AddRange(CollectorOptions.DefaultLatencyHistograms);
        collector.RequestCounters.AddRange(CollectorOptions.DefaultRequestCounters);
        var options = new RemoteWriteOptions { Enabled = true, BufferLimit = bufferLimit, MaxPendingScrapes = maxPendingScrapes };
        var ingest = new RemoteWriteIngest(buffer, Options.Create(collector), Options.Create(options), time, log, replayed, _metrics);
        return (ingest, buffer);
    }

    private static PushBody Push(params IEnumerable<RemoteWriteRequests.Series>[] parts) => new(RemoteWriteRequests.Body(parts.SelectMany(p => p)));

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

    /// <summary>What the direct scrape derives from <see cref="Scrapes"/>, with the remote-write source label.</summary>
    private static IReadOnlyList<string> DirectlyDerived(int count)
    {
        var direct = new ScrapeDerivation("api", Instance, TimeSpan.FromSeconds(60), CollectorOptions.DefaultLatencyHistograms, CollectorOptions.DefaultRequestCounters);
        var expected = new List<SeriesSample>();
        foreach (var (exposition, t) in Scrapes.Take(count))
        {
            var samples = direct.Derive(exposition, t);
            expected.AddRange([.. samples, .. DerivedSeries.From(samples)]);
        }

        return expected.Select(s => Text(s with { Key = s.Key.With("source", RemoteWriteIngest.SourceLabel) })).Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task ScrapeSplitAcrossShards_TheNextScrapeArrivingBeforeItsLastPart_DerivedOnceComplete()
    {
        // Shard B holds the first 7 series of the second scrape (the /a requests and buckets) while shard A sends the
        // rest of it and then the whole third scrape; B's part comes last, within the grace.
        var (ingest, buffer) = NewIngest();
        var second = RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs);
        var outOfOrder = _metrics.SamplesIgnored.WithLabels("out_of_order").Value;

        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        ingest.Accept(Push(second.Skip(7)));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[2].Exposition, "api", Instance, Scrapes[2].TimestampMs)));
        Assert.DoesNotContain(await BufferedAsync(buffer), s => s.TimestampMs == Scrapes[1].TimestampMs);
        ingest.Accept(Push(second.Take(7)));

        // Exactly what the three whole scrapes give in order: nothing derived from half a scrape, nothing left out.
        Assert.Equal(DirectlyDerived(3), (await BufferedAsync(buffer)).Select(Text).Order(StringComparer.Ordinal));
        Assert.Equal(outOfOrder, _metrics.SamplesIgnored.WithLabels("out_of_order").Value);
    }

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(new RemoteWriteOptions().IncompleteScrapeGraceSeconds);

    private double Incomplete(string reason) => _metrics.ScrapesIncomplete.WithLabels(reason).Value;

    [Fact]
    public async Task ScrapeWithoutReportSeries_DerivedOnceTheGraceAfterTheNextTimestampRunsOut_AndCounted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Scrapes[0].TimestampMs));
        var (ingest, buffer) = NewIngest(time);
        var uncounted = Incomplete("uncounted");
        IEnumerable<RemoteWriteRequests.Series> Bare(int i) =>
            RemoteWriteRequests.FromExposition(Scrapes[i].Exposition, "api", Instance, Scrapes[i].TimestampMs).Where(s => s.Labels[0].Value is not ("up" or "scrape_samples_post_metric_relabeling"));

        ingest.Accept(Push(Bare(0)));
        ingest.Accept(Push(Bare(1)));
        time.Advance(Grace - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, ingest.Sweep());
        Assert.Empty(await BufferedAsync(buffer));

        // Without its count nothing says the first scrape is whole: it is derived once the grace after the second's arrival ran out.
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(ingest.Sweep() > 0);
        Assert.Contains(await BufferedAsync(buffer), s => s.Key.Name == DerivedSeries.DbPoolUsageRatio && s.TimestampMs == Scrapes[0].TimestampMs);
        Assert.DoesNotContain(await BufferedAsync(buffer), s => s.TimestampMs == Scrapes[1].TimestampMs);
        Assert.Equal(1, Incomplete("uncounted") - uncounted);

        ingest.Accept(Push(Bare(2)));
        time.Advance(Grace);
        ingest.Sweep();
        Assert.Contains(await BufferedAsync(buffer), s => s.Key.Name == CanonicalSeries.ApiLatencySeconds && s.TimestampMs == Scrapes[1].TimestampMs);
        Assert.Equal(2, Incomplete("uncounted") - uncounted);
    }

    [Fact]
    public async Task IncompleteScrapeWhoseLastPartNeverComes_DerivedAsItIsAtTheGrace_InOrder_Counted_AndTheLatePartLeftOut()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Scrapes[0].TimestampMs));
        var (ingest, buffer) = NewIngest(time);
        var second = RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs);
        var (short_, outOfOrder) = (Incomplete("short"), _metrics.SamplesIgnored.WithLabels("out_of_order").Value);

        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        ingest.Accept(Push(second.Skip(7)));
        time.Advance(TimeSpan.FromSeconds(1));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[2].Exposition, "api", Instance, Scrapes[2].TimestampMs)));

        // Pushes of another target sweep the waiting one too: not yet within the grace, then once it ran out.
        time.Advance(Grace - TimeSpan.FromMilliseconds(1));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "other", Instance, Scrapes[0].TimestampMs)));
        Assert.DoesNotContain(await BufferedAsync(buffer), s => s.Key["job"] == "api" && s.TimestampMs > Scrapes[0].TimestampMs);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var swept = ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "other", Instance, Scrapes[1].TimestampMs)));

        // The half scrape first, then the whole one after it: the derivation's rate state sees them in order.
        var api = (await BufferedAsync(buffer)).Where(s => s.Key["job"] == "api").Select(s => s.TimestampMs).ToList();
        Assert.True(swept.SamplesDerived > 0);
        Assert.Equal([Scrapes[0].TimestampMs, Scrapes[1].TimestampMs, Scrapes[2].TimestampMs], api.Distinct());
        Assert.Equal(api.Order(), api);
        Assert.Equal(1, Incomplete("short") - short_);

        ingest.Accept(Push(second.Take(7)));
        Assert.Equal(7, _metrics.SamplesIgnored.WithLabels("out_of_order").Value - outOfOrder);
    }

    [Fact]
    public async Task TargetThatStopsPushing_ItsWaitingScrapesDerivedByTheSweeper()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Scrapes[0].TimestampMs));
        var (ingest, buffer) = NewIngest(time);
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs).Skip(7)));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[2].Exposition, "api", Instance, Scrapes[2].TimestampMs)));
        using var sweeper = new RemoteWriteSweeper(ingest, time, Microsoft.Extensions.Logging.Abstractions.NullLogger<RemoteWriteSweeper>.Instance);
        await sweeper.StartAsync(TestContext.Current.CancellationToken);

        // No push comes again: the sweeper's own ticks derive the waiting scrape and the complete one behind it. The
        // clock moves a tick per look, as a tick's sweep runs after the timer fires and reads the clock then.
        time.Advance(Grace);
        await X0tta6bl4.Ops.Tests.Eventually.UntilAsync(async () =>
        {
            time.Advance(RemoteWriteSweeper.Every);
            return (await BufferedAsync(buffer)).Any(s => s.TimestampMs == Scrapes[2].TimestampMs);
        }, TimeSpan.FromSeconds(10), "the third scrape derived by the sweeper", TestContext.Current.CancellationToken);
        await sweeper.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(16)] // the default
    [InlineData(3)]
    public async Task ManyScrapesBehindAnIncompleteOne_TheOldestDerivedAtTheLimit_Counted(int maxPendingScrapes)
    {
        var (ingest, buffer) = NewIngest(new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)), maxPendingScrapes: maxPendingScrapes);
        var limit = Incomplete("pending_limit");
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs).Skip(7)));
        IEnumerable<RemoteWriteRequests.Series> Later(int i) => RemoteWriteRequests.FromExposition(Scrapes[2].Exposition, "api", Instance, Scrapes[2].TimestampMs + i * 15_000);

        // A replayed backlog arriving faster than the grace: the incomplete scrape holds the whole ones behind it...
        for (var i = 0; i < maxPendingScrapes - 1; i++)
        {
            ingest.Accept(Push(Later(i)));
        }

        Assert.DoesNotContain(await BufferedAsync(buffer), s => s.TimestampMs > Scrapes[0].TimestampMs);

        // ...until the target holds more than the limit: then it is derived as it is, and the rest after it.
        ingest.Accept(Push(Later(maxPendingScrapes - 1)));
        var timestamps = (await BufferedAsync(buffer)).Select(s => s.TimestampMs).Distinct().ToList();
        Assert.Equal(maxPendingScrapes + 2, timestamps.Count);
        Assert.Equal(1, Incomplete("pending_limit") - limit);
    }

    [Fact]
    public async Task TargetForgottenWhileHoldingAnIncompleteScrape_ItIsDerivedAsItIs_Counted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Scrapes[0].TimestampMs));
        var (ingest, buffer) = NewIngest(time);
        var forgotten = Incomplete("target_forgotten");
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs).Skip(7)));

        time.Advance(TimeSpan.FromHours(2));
        ingest.Sweep();

        Assert.Contains(await BufferedAsync(buffer), s => s.Key.Name == DerivedSeries.DbPoolUsageRatio && s.TimestampMs == Scrapes[1].TimestampMs);
        Assert.Equal(1, Incomplete("target_forgotten") - forgotten);
        Assert.Empty(ingest.Jobs());
    }

    [Fact]
    public async Task LateSamplesOfADerivedScrape_LeftOutAndCounted()
    {
        var (ingest, buffer) = NewIngest();
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs)));
        var count = buffer.Count;
        var ignored = _metrics.SamplesIgnored.WithLabels("out_of_order").Value;

        // The first scrape again (a retried request whose answer was lost).
        var again = ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));

        Assert.True(again.Accepted);
        Assert.Equal(0, again.SamplesDerived);
        Assert.Equal(count, buffer.Count);
        Assert.True(_metrics.SamplesIgnored.WithLabels("out_of_order").Value - ignored >= Scrapes[0].Exposition.Samples.Count + 2);
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
        var noJob = _metrics.SamplesIgnored.WithLabels("no_job").Value;
        var stale = BitConverter.UInt64BitsToDouble(0x7ff0000000000002);

        ingest.Accept(Push([new RemoteWriteRequests.Series([("__name__", "process_resident_memory_bytes"), ("instance", "x")], [(1, 1_000)]),
            new RemoteWriteRequests.Series([("__name__", "process_resident_memory_bytes"), ("job", "api"), ("instance", "x")], [(stale, 1_000)])]));

        Assert.Equal(1, _metrics.SamplesIgnored.WithLabels("no_job").Value - noJob);
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

    /// <summary>The half of the second scrape one shard delivered (the other half comes from another).</summary>
    private static IEnumerable<RemoteWriteRequests.Series> SecondScrape(bool firstHalf)
    {
        var second = RemoteWriteRequests.FromExposition(Scrapes[1].Exposition, "api", Instance, Scrapes[1].TimestampMs);
        return firstHalf ? second.Skip(7) : second.Take(7);
    }

    /// <summary>
    /// The receiver acknowledged half a scrape, holding it for the other half, and stopped: the half is read back from
    /// the held-scrape log when it starts again, and with the other half gives what the whole scrape gives. The first
    /// receiver's log is closed as a kill leaves it: its appends were written to the OS when the push was answered
    /// (Spool), so closing adds nothing to the file that a kill would not have left.
    /// </summary>
    [Fact]
    public async Task HalfAScrapeHeld_ReceiverRestarts_TheHalfIsHeldAgain_AndTheWholeScrapeDerived()
    {
        var folder = Directory.CreateTempSubdirectory("x0-held-").FullName;
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Scrapes[1].TimestampMs));
        var log = HeldScrapeLog.Open(folder, 1 << 20, time, out var none);
        Assert.Empty(none);
        var (first, _) = NewIngest(time, log: log);
        first.Accept(Push(SecondScrape(firstHalf: true)));
        first.Dispose();

        var reopened = HeldScrapeLog.Open(folder, 1 << 20, time, out var replayed);
        var batch = Assert.Single(replayed);
        Assert.Equal([new HeldScrapeLog.HeldScrape("api", Instance, Scrapes[1].TimestampMs)], batch.Held);
        var (second, buffer) = NewIngest(time, log: reopened, replayed: replayed);
        Assert.Equal(0, buffer.Count);
        second.Accept(Push(SecondScrape(firstHalf: false)));

        // What a direct scrape derives from that scrape alone (the restart lost the rate state of the scrape before it).
        var direct = new ScrapeDerivation("api", Instance, TimeSpan.FromSeconds(60), CollectorOptions.DefaultLatencyHistograms, CollectorOptions.DefaultRequestCounters);
        var alone = direct.Derive(Scrapes[1].Exposition, Scrapes[1].TimestampMs);
        var expected = alone.Concat(DerivedSeries.From(alone)).Select(x => Text(x with { Key = x.Key.With("source", RemoteWriteIngest.SourceLabel) })).Order(StringComparer.Ordinal);
        Assert.Equal(expected, (await BufferedAsync(buffer)).Select(Text).Order(StringComparer.Ordinal));

        // Derived, so done: a third start has nothing to hold again.
        second.Dispose();
        using var third = HeldScrapeLog.Open(folder, 1 << 20, time, out var after);
        Assert.Empty(after);
    }

    [Fact]
    public async Task HeldScrapeWhoseOtherHalfNeverComes_AfterARestart_DerivedAsItIsOnceTheNextScrapeAndTheGracePass()
    {
        var folder = Directory.CreateTempSubdirectory("x0-held-").FullName;
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Scrapes[1].TimestampMs));
        var (first, _) = NewIngest(time, log: HeldScrapeLog.Open(folder, 1 << 20, time, out _));
        first.Accept(Push(SecondScrape(firstHalf: true)));
        first.Dispose();

        var log = HeldScrapeLog.Open(folder, 1 << 20, time, out var replayed);
        var (second, buffer) = NewIngest(time, log: log, replayed: replayed);
        var shortBefore = Incomplete("short");
        second.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[2].Exposition, "api", Instance, Scrapes[2].TimestampMs)));
        Assert.DoesNotContain(await BufferedAsync(buffer), s => s.TimestampMs == Scrapes[1].TimestampMs);
        time.Advance(Grace);
        second.Sweep();

        var timestamps = (await BufferedAsync(buffer)).Select(s => s.TimestampMs).Distinct().Order().ToList();
        Assert.Equal([Scrapes[1].TimestampMs, Scrapes[2].TimestampMs], timestamps);
        Assert.Equal(1, Incomplete("short") - shortBefore);
        second.Dispose();
        using var third = HeldScrapeLog.Open(folder, 1 << 20, time, out var after);
        Assert.Empty(after);
    }

    [Fact]
    public void WholeScrapesInOnePushEach_AreNeverLogged()
    {
        var folder = Directory.CreateTempSubdirectory("x0-held-").FullName;
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(Scrapes[0].TimestampMs));
        var log = HeldScrapeLog.Open(folder, 1 << 20, time, out _);
        var (ingest, _) = NewIngest(time, log: log);
        var empty = log.Bytes;

        foreach (var (exposition, t) in Scrapes)
        {
            ingest.Accept(Push(RemoteWriteRequests.FromExposition(exposition, "api", Instance, t)));
        }

        Assert.Equal(empty, log.Bytes);
        ingest.Dispose();
    }

    [Fact]
    public async Task PartOfAHeldScrapeRetried_ItsRepeatsLeftOut_TheScrapeDerivedOnceComplete_AsIfSentOnce()
    {
        // The push with the second scrape's first half is answered, the answer is lost, and Prometheus sends it again:
        // counted twice, the half would make the scrape look complete and its series be derived from two samples.
        var (ingest, buffer) = NewIngest();
        var repeated = _metrics.SamplesIgnored.WithLabels("repeated").Value;
        ingest.Accept(Push(RemoteWriteRequests.FromExposition(Scrapes[0].Exposition, "api", Instance, Scrapes[0].TimestampMs)));
        ingest.Accept(Push(SecondScrape(firstHalf: true)));
        ingest.Accept(Push(SecondScrape(firstHalf: true)));
        Assert.DoesNotContain(await BufferedAsync(buffer), s => s.TimestampMs == Scrapes[1].TimestampMs);

        ingest.Accept(Push(SecondScrape(firstHalf: false)));

        Assert.Equal(DirectlyDerived(2), (await BufferedAsync(buffer)).Select(Text).Order(StringComparer.Ordinal));
        Assert.Equal(SecondScrape(firstHalf: true).Sum(s => s.Samples.Count), _metrics.SamplesIgnored.WithLabels("repeated").Value - repeated);
    }
}

/// <summary>A push as the receiver gets it: its body, and that body decoded.</summary>
internal sealed record PushBody(byte[] Body)
{
    public IReadOnlyList<PushedSeries> Series { get; } = WriteRequestDecoder.Decode(Body, 64 * 1024 * 1024);
}

internal static class PushBodyExtensions
{
    public static IngestResult Accept(this RemoteWriteIngest ingest, PushBody push) => ingest.Accept(push.Series, push.Body);
}
