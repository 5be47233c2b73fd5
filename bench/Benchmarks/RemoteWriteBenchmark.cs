using System.Diagnostics;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.RemoteWrite;
using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Collector.Tests;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store.Postgres;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// Samples per second taken in through remote write — snappy + protobuf decode, regrouping into scrapes, the held-scrape
/// log, the scrape derivation, the write buffer with its spool, and the PostgreSQL store — against the direct scrape's path for the same
/// series (text parse, the same derivation, the same buffer, spool and store), in the same run, round by round in turn.
/// Each round is one scrape of every target, 15 s after the last; the first round (series created, JIT) is not timed.
/// The bodies are built beforehand as Prometheus sends them (labels sorted, up to 2,000 samples a request, snappy
/// block): that is Prometheus's work, not ours. The HTTP hop is left out of both paths.
/// </summary>
internal static class RemoteWriteBenchmark
{
    private const int SeriesPerTarget = 2_000;

    /// <summary>Endpoints of each target's request histogram: 460 of its series feed the catalog, the other 1,540 are gauges it leaves out, as most of a real target's are.</summary>
    private const int Endpoints = 10;
    private const int SamplesPerSend = 2_000;
    private const int StoreBatch = 50_000; // CollectorService's MaxBatch

    public static async Task<int> RunAsync(string remoteWriteStore, string scrapeStore, string spoolDirectory, int targets, int rounds)
    {
        var collector = new CollectorOptions();
        collector.LatencyHistograms.AddRange(CollectorOptions.DefaultLatencyHistograms);
        collector.RequestCounters.AddRange(CollectorOptions.DefaultRequestCounters);
        var texts = Texts(rounds);
        var start = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds() / 15_000 * 15_000;
        long At(int round) => start + round * 15_000L;
        string Text(int round) => texts[round];

        var (bodies, rawPerRound) = Bodies(texts, targets, At);

        var pushStore = await PostgresMetricStore.OpenAsync(remoteWriteStore);
        var scrapeStoreOpened = await PostgresMetricStore.OpenAsync(scrapeStore);
        using var pushSpool = Spool.Open(Path.Combine(spoolDirectory, "remote-write"), 1L << 32, TimeProvider.System, out _);
        using var scrapeSpool = Spool.Open(Path.Combine(spoolDirectory, "scrape"), 1L << 32, TimeProvider.System, out _);
        var pushBuffer = new WriteBuffer(collector.BufferCapacity, pushSpool);
        var scrapeBuffer = new WriteBuffer(collector.BufferCapacity, scrapeSpool);
        // The held-scrape log, as a receiver with a spool keeps it: a scrape here is 2,000 + 8 samples, so every one is
        // split over two bodies and its first part is logged before the push is answered.
        var options = new RemoteWriteOptions { Enabled = true };
        using var heldLog = HeldScrapeLog.Open(Path.Combine(spoolDirectory, HeldScrapeLog.FolderName), options.HeldLogMaxBytes, TimeProvider.System, out _);
        using var ingest = new RemoteWriteIngest(pushBuffer, Options.Create(collector), Options.Create(options), TimeProvider.System, heldLog);
        var derivations = Enumerable.Range(0, targets).Select(t => new ScrapeDerivation(
            $"bench-{t}", Instance(t), TimeSpan.FromSeconds(collector.WindowSeconds), collector.LatencyHistograms, collector.RequestCounters)).ToArray();

        void Push(int round)
        {
            foreach (var body in bodies[round])
            {
                // The receiver refuses while the buffer is at RemoteWrite:BufferLimit; Prometheus would retry, so does this.
                var series = WriteRequestDecoder.Decode(body, 64 * 1024 * 1024);
                while (!ingest.Accept(series, body).Accepted)
                {
                    Thread.Sleep(1);
                }
            }
        }

        void Scrape(int round)
        {
            for (var t = 0; t < targets; t++)
            {
                // Each target's text is parsed on its own, as each scrape would be.
                var samples = derivations[t].Derive(ExpositionParser.Parse(Text(round)), At(round));
                scrapeBuffer.Add([.. samples, .. DerivedSeries.From(samples)]);
            }
        }

        // Round 0 creates the series; then each path in turn, half the rounds at a time, with the store drained as the
        // collector drains it: concurrently, whole batches of what has accumulated.
        Push(0);
        await DrainAsync(pushBuffer, pushStore, CancellationToken.None, untilEmpty: true);
        Scrape(0);
        await DrainAsync(scrapeBuffer, scrapeStoreOpened, CancellationToken.None, untilEmpty: true);
        var pushTime = TimeSpan.Zero;
        var scrapeTime = TimeSpan.Zero;
        var pushCpuTime = TimeSpan.Zero;
        var scrapeCpuTime = TimeSpan.Zero;
        long pushWritten = 0, scrapeWritten = 0;
        var half = (rounds + 1) / 2;
        foreach (var (from, to) in new[] { (1, half), (half + 1, rounds) })
        {
            var (elapsed, cpu, written) = await TimedAsync(() => { for (var r = from; r <= to; r++) { Push(r); } }, pushBuffer, pushStore);
            pushTime += elapsed;
            pushCpuTime += cpu;
            pushWritten += written;
            (elapsed, cpu, written) = await TimedAsync(() => { for (var r = from; r <= to; r++) { Scrape(r); } }, scrapeBuffer, scrapeStoreOpened);
            scrapeTime += elapsed;
            scrapeCpuTime += cpu;
            scrapeWritten += written;
        }

        // Decode alone, for where the time goes: the bodies of one round, a few times over.
        var decode = Stopwatch.StartNew();
        var decodeRepeats = 3;
        for (var i = 0; i < decodeRepeats; i++)
        {
            foreach (var body in bodies[1])
            {
                WriteRequestDecoder.Decode(body, 64 * 1024 * 1024);
            }
        }

        var decodeSeconds = decode.Elapsed.TotalSeconds;
        var (withLog, withoutLog) = await HeldLogCostAsync(bodies, collector, Path.Combine(spoolDirectory, "held-log-cost"));
        var raw = rawPerRound * rounds;
        Figures.Print("targets", targets, "0");
        Figures.Print("series_per_target", SeriesPerTarget, "0");
        Figures.Print("histogram_endpoints_per_target", Endpoints, "0");
        Figures.Print("raw_samples_per_path", raw, "0");
        Figures.Print("remote_write_bodies_per_round", bodies[1].Count, "0");
        Figures.Print("remote_write_body_bytes_per_sample", bodies[1].Sum(b => (double)b.Length) / rawPerRound, "0.00");
        Figures.Print("derived_samples_stored_remote_write", pushWritten, "0");
        Figures.Print("derived_samples_stored_scrape", scrapeWritten, "0");
        Figures.Print("remote_write_samples_per_s", raw / pushTime.TotalSeconds, "0");
        Figures.Print("scrape_samples_per_s", raw / scrapeTime.TotalSeconds, "0");
        Figures.Print("remote_write_vs_scrape_ratio", scrapeTime.TotalSeconds / pushTime.TotalSeconds, "0.00");
        Figures.Print("remote_write_intake_samples_per_s", raw / pushCpuTime.TotalSeconds, "0");
        Figures.Print("scrape_intake_samples_per_s", raw / scrapeCpuTime.TotalSeconds, "0");
        Figures.Print("remote_write_decode_only_samples_per_s", rawPerRound * decodeRepeats / decodeSeconds, "0");
        Figures.Print("remote_write_goal_samples_per_s", 100_000, "0");
        Figures.Print("intake_with_held_log_samples_per_s", raw / withLog.TotalSeconds, "0");
        Figures.Print("intake_without_held_log_samples_per_s", raw / withoutLog.TotalSeconds, "0");
        Figures.Print("held_log_cost_ratio", withLog.TotalSeconds / withoutLog.TotalSeconds, "0.00");
        return pushWritten == scrapeWritten ? 0 : Fail($"the two paths stored different counts: {pushWritten} vs {scrapeWritten}");
    }

    /// <summary>
    /// The held-scrape log's own cost: every timed round's pushes (decode, regrouping, derivation, buffer) through two
    /// receivers of their own, one with a log and one without, in turn round by round, into buffers emptied after each
    /// round (no spool, no store). Every scrape here is split over two bodies, so each first body is logged.
    /// </summary>
    private static async Task<(TimeSpan WithLog, TimeSpan WithoutLog)> HeldLogCostAsync(List<byte[]>[] bodies, CollectorOptions collector, string folder)
    {
        var options = new RemoteWriteOptions { Enabled = true };
        using var log = HeldScrapeLog.Open(folder, options.HeldLogMaxBytes, TimeProvider.System, out _);
        var buffers = new[] { new WriteBuffer(collector.BufferCapacity), new WriteBuffer(collector.BufferCapacity) };
        using var logged = new RemoteWriteIngest(buffers[0], Options.Create(collector), Options.Create(options), TimeProvider.System, log);
        using var unlogged = new RemoteWriteIngest(buffers[1], Options.Create(collector), Options.Create(options), TimeProvider.System);
        var times = new TimeSpan[2];
        for (var round = 0; round < bodies.Length; round++)
        {
            foreach (var i in round % 2 == 0 ? new[] { 0, 1 } : [1, 0])
            {
                var ingest = i == 0 ? logged : unlogged;
                GC.Collect();
                var watch = Stopwatch.StartNew();
                foreach (var body in bodies[round])
                {
                    ingest.Accept(WriteRequestDecoder.Decode(body, 64 * 1024 * 1024), body);
                }

                if (round > 0) // round 0 creates the targets and warms up
                {
                    times[i] += watch.Elapsed;
                }

                buffers[i].Remove(await buffers[i].PeekAsync(int.MaxValue, CancellationToken.None));
            }
        }

        return (times[0], times[1]);
    }

    /// <summary>Each target's instance label, the same on both paths and in the HTTP benchmark.</summary>
    public static string Instance(int target) => $"10.0.{target / 250}.{target % 250}:8080";

    /// <summary>
    /// Every round's pushes as Prometheus sends them (up to 2,000 samples a request, snappy block), from each round's
    /// exposition text at its time; and the raw samples of one round (every round has the same series).
    /// </summary>
    public static (List<byte[]>[] Bodies, long RawPerRound) Bodies(IReadOnlyList<string> texts, int targets, Func<int, long> at)
    {
        Console.Error.WriteLine($"bench: encoding {targets} targets × {texts.Count} rounds of {SeriesPerTarget} series as remote-write bodies");
        var bodies = new List<byte[]>[texts.Count];
        long rawPerRound = 0;
        for (var r = 0; r < texts.Count; r++)
        {
            bodies[r] = [];
            var exposition = ExpositionParser.Parse(texts[r]);
            for (var t = 0; t < targets; t++)
            {
                var series = RemoteWriteRequests.FromExposition(exposition, $"bench-{t}", Instance(t), at(r));
                for (var i = 0; i < series.Count; i += SamplesPerSend)
                {
                    bodies[r].Add(RemoteWriteRequests.Body(series.Skip(i).Take(SamplesPerSend)));
                }

                if (r == 0)
                {
                    rawPerRound += series.Count;
                }
            }
        }

        return (bodies, rawPerRound);
    }

    /// <summary>A target's exposition at each of <paramref name="rounds"/> + 1 rounds: the counters grow from one round to the next (scale 1, 2, 3 … of the same shape).</summary>
    public static string[] Texts(int rounds) =>
        Enumerable.Range(1, rounds + 1).Select(scale => CollectorBenchmark.Exposition(SeriesPerTarget, scale, Endpoints)).ToArray();

    private static int Fail(string message)
    {
        Console.Error.WriteLine("bench: " + message);
        return 1;
    }

    /// <summary>
    /// Runs <paramref name="produce"/> with the buffer drained to the store concurrently; the time until the last sample
    /// is stored, the time <paramref name="produce"/> itself took (decode/parse, derivation, buffer and spool: the intake),
    /// and the samples stored.
    /// </summary>
    private static async Task<(TimeSpan Elapsed, TimeSpan Intake, long Written)> TimedAsync(Action produce, WriteBuffer buffer, PostgresMetricStore store)
    {
        GC.Collect();
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var drain = Task.Run(() => DrainAsync(buffer, store, stop.Token, untilEmpty: false));
        await Task.Run(produce);
        var intake = watch.Elapsed;
        while (buffer.Count > 0)
        {
            await Task.Delay(1);
        }

        var elapsed = watch.Elapsed;
        stop.Cancel();
        return (elapsed, intake, await drain);
    }

    /// <summary>Writes the buffer to the store as the collector's drain loop does (whole batches, up to 50,000 samples a write).</summary>
    private static async Task<long> DrainAsync(WriteBuffer buffer, PostgresMetricStore store, CancellationToken stop, bool untilEmpty)
    {
        long written = 0;
        while (!(untilEmpty && buffer.Count == 0))
        {
            WriteBuffer.Taken batch;
            try
            {
                batch = await buffer.PeekAsync(StoreBatch, stop);
            }
            catch (OperationCanceledException)
            {
                return written;
            }

            buffer.Writing(batch);
            var result = await store.WriteAsync(batch.Samples);
            buffer.Remove(batch);
            written += result.Written;
        }

        return written;
    }
}
