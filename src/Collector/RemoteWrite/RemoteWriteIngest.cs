using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Pipeline;
using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>The outcome of one push: accepted (with what it gave), or refused because the write buffer is full.</summary>
public readonly record struct IngestResult(bool Accepted, int SamplesReceived, int SamplesDerived);

/// <summary>
/// Turns pushed samples back into scrapes and feeds them to the direct scrape's <see cref="ScrapeDerivation"/>,
/// one derivation per pushed target (job, instance), so a pushed job gets the same canonical series as a scraped
/// one (source "remote-write", pod = the instance label).
/// <para>
/// A scrape is the samples of one target at one timestamp. Prometheus may split one scrape over several requests
/// (max_samples_per_send) and, with several shards, interleave them, so a scrape is held until it is complete (see
/// <see cref="PushedTarget"/>): when the samples that are not Prometheus's own report series number
/// <c>scrape_samples_post_metric_relabeling</c>, or, counted as incomplete, once RemoteWrite:IncompleteScrapeGraceSeconds
/// have passed since a later timestamp of the same target arrived. Waiting scrapes are looked at on every push and by
/// <see cref="RemoteWriteSweeper"/>, so a target that stops pushing still gets them derived. A sample at or before the
/// target's newest derived scrape (a shard later than the grace, a retried request) is left out and counted
/// (x0tta6bl4_ops_remote_write_samples_ignored_total).
/// </para>
/// <para>
/// A push is refused (nothing read, no state changed) while the collector's write buffer holds RemoteWrite:BufferLimit
/// samples or more; Prometheus retries it. What is derived goes into that buffer, which logs it to the spool first;
/// what is held is logged to the <see cref="HeldScrapeLog"/> before the push is answered, and read back at start.
/// </para>
/// </summary>
public sealed class RemoteWriteIngest : IDisposable
{
    public const string SourceLabel = "remote-write";

    /// <summary>Prometheus's staleness marker: a NaN with this bit pattern (model/value.StaleNaN).</summary>
    private const ulong StaleNaN = 0x7ff0000000000002;

    private readonly object _gate = new();
    private readonly Dictionary<(string Job, string Instance), PushedTarget> _targets = [];
    /// <summary>Each pushed job's newest push and the samples its last deriving push gave; its instances are the targets'.</summary>
    private readonly Dictionary<string, (DateTimeOffset LastPush, int SamplesDerived)> _jobs = new(StringComparer.Ordinal);

    /// <summary>Targets whose oldest scrape waits for its grace: the only ones a push or a sweep need look at besides those it touched.</summary>
    private readonly HashSet<PushedTarget> _waiting = new(ReferenceEqualityComparer.Instance);
    private readonly WriteBuffer _buffer;
    private readonly CollectorOptions _collector;
    private readonly RemoteWriteOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan _grace;
    private readonly HeldScrapeLog? _log;
    private DateTimeOffset _lastSweep;
    private long _pushes; // numbers each push (and each batch held again), so a scrape knows how many parts it came in

    /// <param name="log">The held-scrape log; null keeps held scrapes in memory only (no spool).</param>
    /// <param name="replayed">What <paramref name="log"/> read back at start: held again (and derived when ready) before any push.</param>
    /// <param name="metrics">Where it counts what it takes and leaves out; null: the process's counters on /metrics.</param>
    public RemoteWriteIngest(WriteBuffer buffer, IOptions<CollectorOptions> collector, IOptions<RemoteWriteOptions> options, TimeProvider time,
        HeldScrapeLog? log = null, IReadOnlyList<HeldScrapeLog.Batch>? replayed = null, RemoteWriteMetrics? metrics = null)
    {
        Metrics = metrics ?? RemoteWriteMetrics.Default;
        _buffer = buffer;
        _collector = collector.Value;
        _options = options.Value;
        _time = time;
        _grace = TimeSpan.FromSeconds(_options.IncompleteScrapeGraceSeconds);
        _log = log;
        if (replayed is { Count: > 0 })
        {
            HoldAgain(replayed);
        }
    }

    public RemoteWriteMetrics Metrics { get; }

    public void Dispose() => _log?.Dispose();

    /// <summary>A pushed job as the Targets page lists it: its newest push, the instances pushing it and the samples its last push gave.</summary>
    public sealed record JobPush(string Job, DateTimeOffset LastPush, IReadOnlyList<string> Instances, int SamplesDerived);

    public IReadOnlyList<JobPush> Jobs()
    {
        lock (_gate)
        {
            var instances = _targets.Keys.ToLookup(k => k.Job, k => k.Instance, StringComparer.Ordinal);
            return _jobs.Select(j => new JobPush(j.Key, j.Value.LastPush, instances[j.Key].Order(StringComparer.Ordinal).ToList(), j.Value.SamplesDerived)).ToList();
        }
    }

    /// <param name="request">The push, decoded.</param>
    /// <param name="body">The push as it came (snappy-compressed): logged when it leaves part of a scrape held.</param>
    public IngestResult Accept(IReadOnlyList<PushedSeries> request, ReadOnlySpan<byte> body)
    {
        lock (_gate)
        {
            if (_buffer.Count >= _options.BufferLimit)
            {
                return new IngestResult(false, 0, 0);
            }

            var now = _time.GetUtcNow();
            var received = 0;
            var touched = new HashSet<PushedTarget>(ReferenceEqualityComparer.Instance);
            var push = ++_pushes;
            foreach (var series in request)
            {
                received += series.Samples.Count;
                Take(series, touched, now, push);
            }

            var derived = new List<SeriesSample>();
            var byJob = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var target in touched)
            {
                var before = derived.Count;
                DeriveReady(target, now, derived);
                byJob[target.Job] = byJob.GetValueOrDefault(target.Job) + derived.Count - before;
                target.LastPush = now;
            }

            // Other targets' scrapes whose grace ran out: a push costs nothing more while none wait.
            DeriveWaiting(now, derived, touched);
            ForgetSilentTargets(now, derived);
            foreach (var (job, count) in byJob)
            {
                // A push carrying only part of a scrape derives nothing yet: the page keeps the last scrape's count.
                _jobs[job] = (now, count > 0 ? count : _jobs.GetValueOrDefault(job).SamplesDerived);
            }

            Hand(derived);
            LogHeld(touched, push, body, null);
            Metrics.SamplesReceived.Inc(received);
            return new IngestResult(true, received, derived.Count);
        }
    }

    /// <summary>
    /// Derives the scrapes whose grace has run out and forgets silent targets, without a push: called every second by
    /// <see cref="RemoteWriteSweeper"/>, so the last scrapes of a target (or a whole Prometheus) that stopped pushing are
    /// not held until it pushes again. Nothing is derived while the write buffer is at its limit: pushes are refused
    /// then, so nothing new is held, and what is held waits for room.
    /// </summary>
    /// <returns>The samples derived.</returns>
    public int Sweep()
    {
        lock (_gate)
        {
            if (_buffer.Count >= _options.BufferLimit)
            {
                return 0;
            }

            var now = _time.GetUtcNow();
            var derived = new List<SeriesSample>();
            DeriveWaiting(now, derived, null);
            ForgetSilentTargets(now, derived);
            Hand(derived);
            return derived.Count;
        }
    }

    /// <summary>
    /// The batches an earlier run logged and never saw derived, held again in their order: from each body, the samples
    /// of the scrapes it had left held (the rest of it was derived then), each scrape keeping its batch. What is then
    /// complete is derived now, the rest once its grace runs out (or its target is forgotten).
    /// </summary>
    private void HoldAgain(IReadOnlyList<HeldScrapeLog.Batch> replayed)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var all = new HashSet<PushedTarget>(ReferenceEqualityComparer.Instance);
            foreach (var batch in replayed)
            {
                IReadOnlyList<PushedSeries> request;
                try
                {
                    request = WriteRequestDecoder.Decode(batch.Body, _options.MaxDecodedBytes);
                }
                catch (RemoteWriteFormatException)
                {
                    // It was decoded once when it came, so only a lowered RemoteWrite:MaxDecodedBytes gets here.
                    Metrics.HeldBatchesUnlogged.Inc();
                    _log!.Discard(batch.Id);
                    continue;
                }

                var held = batch.Held.ToHashSet();
                var touched = new HashSet<PushedTarget>(ReferenceEqualityComparer.Instance);
                var push = ++_pushes;
                foreach (var series in request)
                {
                    var (job, instance) = (series.Label("job") ?? "", series.Label("instance") ?? "");
                    var samples = series.Samples.Where(s => held.Contains(new HeldScrapeLog.HeldScrape(job, instance, s.TimestampMs))).ToList();
                    if (samples.Count > 0)
                    {
                        Take(series with { Samples = samples }, touched, now, push);
                    }
                }

                LogHeld(touched, push, [], batch.Id);
                all.UnionWith(touched);
            }

            var derived = new List<SeriesSample>();
            foreach (var target in all)
            {
                target.LastPush = now;
                DeriveReady(target, now, derived);
            }

            Hand(derived);
        }
    }

    /// <summary>
    /// Logs <paramref name="body"/> when push <paramref name="push"/> left scrapes of <paramref name="touched"/> held,
    /// and gives those scrapes the batch (<paramref name="replayedId"/>: the push is in the log already, as that batch).
    /// A log that cannot be written (a full disk) leaves them held in memory only, counted, rather than fail a push
    /// whose samples are already held.
    /// </summary>
    private void LogHeld(IEnumerable<PushedTarget> touched, long push, ReadOnlySpan<byte> body, long? replayedId)
    {
        if (_log is null)
        {
            return;
        }

        var held = new List<HeldScrapeLog.HeldScrape>();
        var owners = new List<List<long>>();
        foreach (var target in touched)
        {
            target.HeldFrom(push, held, owners);
        }

        if (owners.Count == 0)
        {
            return;
        }

        long id;
        try
        {
            id = replayedId ?? _log.Append(held, body);
        }
        catch (IOException)
        {
            Metrics.HeldBatchesUnlogged.Inc();
            return;
        }

        foreach (var batches in owners)
        {
            batches.Add(id);
            _log.Reference(id);
        }
    }

    private void DeriveReady(PushedTarget target, DateTimeOffset now, List<SeriesSample> output)
    {
        target.DeriveReady(now, _grace, output);
        if (target.Waiting)
        {
            _waiting.Add(target);
        }
        else
        {
            _waiting.Remove(target);
        }
    }

    private void DeriveWaiting(DateTimeOffset now, List<SeriesSample> output, HashSet<PushedTarget>? done)
    {
        if (_waiting.Count == 0)
        {
            return;
        }

        foreach (var target in _waiting.ToList())
        {
            if (done is null || !done.Contains(target))
            {
                DeriveReady(target, now, output);
            }
        }
    }

    /// <summary>Hands what was derived to the write buffer (its spool has it then), and only after that marks their held batches done.</summary>
    private void Hand(List<SeriesSample> derived)
    {
        if (derived.Count > 0)
        {
            try
            {
                _buffer.Add(derived);
            }
            catch
            {
                _log?.KeepReleasedOpen(); // not in the buffer's spool: the held batches are the only copy left
                throw;
            }

            Metrics.SeriesDerived.Inc(derived.Count);
        }

        _log?.MarkReleasedDone();
    }

    /// <summary>
    /// A target silent for <see cref="BucketIncreases.ForgetAfter"/> is forgotten (its derivation and pending scrape), as
    /// the scrape's bucket increases forget a series: memory stays bounded as pods come and go. Checked once a minute.
    /// What a forgotten target still holds (a last scrape no later timestamp ended) is derived as it is and counted.
    /// </summary>
    private void ForgetSilentTargets(DateTimeOffset now, List<SeriesSample> output)
    {
        if (now - _lastSweep < TimeSpan.FromMinutes(1))
        {
            return;
        }

        _lastSweep = now;
        foreach (var (key, target) in _targets.Where(t => now - t.Value.LastPush > BucketIncreases.ForgetAfter).ToList())
        {
            target.DeriveAll(output);
            _waiting.Remove(target);
            _targets.Remove(key);
        }

        var live = _targets.Keys.Select(k => k.Job).ToHashSet(StringComparer.Ordinal);
        foreach (var job in _jobs.Keys.Where(j => !live.Contains(j)).ToList())
        {
            _jobs.Remove(job);
        }
    }

    private void Take(PushedSeries series, HashSet<PushedTarget> touched, DateTimeOffset now, long push)
    {
        if (series.NativeHistograms > 0)
        {
            Metrics.SamplesIgnored.WithLabels("native_histogram").Inc(series.NativeHistograms);
        }

        string? name = null, job = null, instance = null;
        var labels = new List<Label>(series.Labels.Count);
        foreach (var label in series.Labels)
        {
            switch (label.Name)
            {
                case "__name__": name = label.Value; break;
                case "job": job = label.Value; break;
                case "instance": instance = label.Value; break;
                default: labels.Add(label); break;
            }
        }

        if (series.Samples.Count == 0)
        {
            return;
        }

        if (string.IsNullOrEmpty(job) || string.IsNullOrEmpty(name))
        {
            Metrics.SamplesIgnored.WithLabels("no_job").Inc(series.Samples.Count);
            return;
        }

        instance ??= "";
        if (!_targets.TryGetValue((job, instance), out var target))
        {
            target = _targets[(job, instance)] = new PushedTarget(job, instance, new ScrapeDerivation(
                job, instance, TimeSpan.FromSeconds(_collector.WindowSeconds), _collector.LatencyHistograms, _collector.RequestCounters, SourceLabel),
                _options.MaxPendingScrapes, _log, Metrics);
        }

        touched.Add(target);
        var report = PushedTarget.IsReportSeries(name);
        foreach (var sample in series.Samples)
        {
            if (BitConverter.DoubleToUInt64Bits(sample.Value) == StaleNaN)
            {
                // Not data, but news that the target's earlier scrapes are over.
                target.Seen(sample.TimestampMs, now);
                Metrics.SamplesIgnored.WithLabels("stale_marker").Inc();
                continue;
            }

            if (sample.TimestampMs <= target.LastDerivedMs)
            {
                Metrics.SamplesIgnored.WithLabels("out_of_order").Inc();
                continue;
            }

            target.Add(sample.TimestampMs, new ScrapedSample(name, labels, sample.Value, null), report, now, push);
        }
    }
}
