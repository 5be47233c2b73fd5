using X0tta6bl4.Ops.Collector.Sources.Scrape;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>
/// One pushed target (job, instance): its derivation and the scrapes not yet derived, derived oldest first (the
/// derivation keeps rate state, so a scrape is never derived after a later one).
/// <para>
/// A scrape is derived once complete: its samples that are not report series number its
/// <c>scrape_samples_post_metric_relabeling</c>. A later timestamp of the target does not make it complete: Prometheus's
/// remote-write shards are independent queues, so under load one shard sends the target's next scrape while another
/// still holds part of this one. An incomplete scrape (count known and not reached, or count not arrived) is derived as
/// it is only once <c>grace</c> has passed since a later timestamp of the target was first seen, and counted
/// (x0tta6bl4_ops_remote_write_scrapes_incomplete_total). The grace is measured from the later scrape rather than from
/// the scrape's own first sample because the later scrape is the only sign that this one should be over: a shard with
/// a small batch waits up to Prometheus's batch_send_deadline (5 s) before it sends, so measured from the scrape's own
/// first sample a 5-s grace would cut off exactly the late part it is meant to wait for.
/// </para>
/// </summary>
/// <param name="maxPendingScrapes">
/// RemoteWrite:MaxPendingScrapes, scrapes held before the oldest is derived as it is: in steady state a target holds one
/// or two (its current scrape, and the next one while the grace runs); more only while Prometheus replays a backlog.
/// </param>
/// <param name="log">Where held samples are logged before their push is answered; null when the write buffer has no spool.</param>
internal sealed class PushedTarget(string job, string instance, ScrapeDerivation derivation, int maxPendingScrapes, HeldScrapeLog? log, RemoteWriteMetrics metrics)
{
    /// <summary>Prometheus's own per-scrape series (scrape.go's report, and those of --enable-feature=extra-scrape-metrics).</summary>
    private static readonly HashSet<string> ReportSeries = new(StringComparer.Ordinal)
    {
        "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added",
        "scrape_timeout_seconds", "scrape_sample_limit", "scrape_body_size_bytes",
    };

    public static bool IsReportSeries(string name) => ReportSeries.Contains(name);

    private static readonly IReadOnlyDictionary<string, string> NoTypes = new Dictionary<string, string>();

    // Sorted by timestamp; a handful at most (see MaxPendingScrapes), so the oldest is Keys[0] without an enumerator.
    private readonly SortedList<long, PendingScrape> _pending = [];
    private long _newestSeenMs = long.MinValue;

    public string Job { get; } = job;

    public string Instance { get; } = instance;

    public long LastDerivedMs { get; private set; } = long.MinValue;

    public DateTimeOffset LastPush { get; set; }

    /// <summary>The oldest scrape is incomplete and a later one was seen: it is derived when its grace runs out, with or without pushes.</summary>
    public bool Waiting { get; private set; }

    /// <summary>A timestamp of the target without a sample to keep (a staleness marker): news that its earlier scrapes are over.</summary>
    public void Seen(long timestampMs, DateTimeOffset now)
    {
        if (timestampMs <= _newestSeenMs)
        {
            return;
        }

        // Every scrape held so far is older: its grace starts now (each scrape only once, at the first later timestamp).
        foreach (var (at, scrape) in _pending)
        {
            if (at >= timestampMs)
            {
                break;
            }

            scrape.LaterSeenAt ??= now;
        }

        _newestSeenMs = timestampMs;
    }

    /// <param name="push">The push the sample came in: a scrape in more than one may hold a series twice (see <see cref="PendingScrape.Deduplicate"/>).</param>
    public void Add(long timestampMs, ScrapedSample sample, bool report, DateTimeOffset now, long push)
    {
        if (!_pending.TryGetValue(timestampMs, out var scrape))
        {
            // Once per scrape, not per sample: a scrape arriving after a later one starts its grace at once.
            scrape = _pending[timestampMs] = new PendingScrape { LaterSeenAt = timestampMs < _newestSeenMs ? now : null };
            Seen(timestampMs, now);
        }

        if (scrape.LastPush != push)
        {
            scrape.LastPush = push;
            scrape.Parts++;
        }

        scrape.Samples.Add(sample);
        if (!report)
        {
            scrape.Exposed++;
        }
        else if (sample.Name == "scrape_samples_post_metric_relabeling")
        {
            scrape.Expected = sample.Value;
        }
    }

    /// <summary>Derives, oldest first, every scrape that is complete, or incomplete past its grace, or beyond the pending limit.</summary>
    public void DeriveReady(DateTimeOffset now, TimeSpan grace, List<SeriesSample> output)
    {
        while (_pending.Count > 0)
        {
            var (timestampMs, scrape) = (_pending.Keys[0], _pending.Values[0]);
            if (scrape.Complete)
            {
                // Counted complete, but a part may have come twice: only then is the count checked without repeats.
                scrape.Deduplicate(metrics);
            }

            if (!scrape.Complete)
            {
                var reason = scrape.LaterSeenAt is { } seen && now - seen >= grace ? scrape.Expected is null ? "uncounted" : "short"
                    : _pending.Count > maxPendingScrapes ? "pending_limit"
                    : null;
                if (reason is null)
                {
                    Waiting = scrape.LaterSeenAt is not null;
                    return;
                }

                metrics.ScrapesIncomplete.WithLabels(reason).Inc();
            }

            Derive(timestampMs, scrape, output);
        }

        Waiting = false;
    }

    /// <summary>The target is being forgotten: what it still holds is derived as it is (incomplete scrapes counted), not dropped.</summary>
    public void DeriveAll(List<SeriesSample> output)
    {
        while (_pending.Count > 0)
        {
            var (timestampMs, scrape) = (_pending.Keys[0], _pending.Values[0]);
            scrape.Deduplicate(metrics);
            if (!scrape.Complete)
            {
                metrics.ScrapesIncomplete.WithLabels("target_forgotten").Inc();
            }

            Derive(timestampMs, scrape, output);
        }

        Waiting = false;
    }

    /// <summary>
    /// The scrapes push <paramref name="push"/> added to that are still held, for the log (<paramref name="held"/>); each
    /// one's batch list goes to <paramref name="owners"/>, to be given the id of the batch the push goes into.
    /// </summary>
    public void HeldFrom(long push, List<HeldScrapeLog.HeldScrape> held, List<List<long>> owners)
    {
        foreach (var (timestampMs, scrape) in _pending)
        {
            if (scrape.LastPush == push)
            {
                held.Add(new HeldScrapeLog.HeldScrape(Job, Instance, timestampMs));
                owners.Add(scrape.Batches);
            }
        }
    }

    /// <summary>Derives the oldest scrape held (<paramref name="timestampMs"/>, <paramref name="scrape"/>).</summary>
    private void Derive(long timestampMs, PendingScrape scrape, List<SeriesSample> output)
    {
        _pending.RemoveAt(0);
        foreach (var batch in scrape.Batches)
        {
            log?.Release(batch);
        }

        scrape.Deduplicate(metrics);

        LastDerivedMs = timestampMs;
        var samples = derivation.Derive(new Exposition(scrape.Samples, NoTypes), timestampMs);
        output.AddRange(samples);
        output.AddRange(DerivedSeries.From(samples));
    }

    private sealed class PendingScrape
    {
        public List<ScrapedSample> Samples { get; private set; } = [];

        /// <summary>The pushes it came in; the newest one's number.</summary>
        public int Parts { get; set; }

        public long LastPush { get; set; }

        private int _checked; // Samples (from the start) already free of repeats

        /// <summary>Samples that are not report series.</summary>
        public int Exposed { get; set; }

        /// <summary>scrape_samples_post_metric_relabeling of this scrape, once it arrived.</summary>
        public double? Expected { get; set; }

        /// <summary>When a later timestamp of the target was first seen; the grace runs from here.</summary>
        public DateTimeOffset? LaterSeenAt { get; set; }

        /// <summary>The log's batches holding this scrape's samples: released when it is derived.</summary>
        public List<long> Batches { get; } = [];

        /// <summary>
        /// Leaves out a series' second sample: a push retried after its answer was lost (a timeout, or a receiver killed
        /// after logging it) repeats what is held, and a repeat would count towards completeness and be derived twice.
        /// Prometheus sends a series once per request, so a scrape in one part is not looked at: this costs nothing there.
        /// </summary>
        public void Deduplicate(RemoteWriteMetrics metrics)
        {
            if (Parts < 2 || _checked == Samples.Count)
            {
                return;
            }

            var seen = new HashSet<ScrapedSample>(Samples.Count, SeriesIdentity.Instance);
            var kept = new List<ScrapedSample>(Samples.Count);
            foreach (var sample in Samples)
            {
                if (!seen.Add(sample))
                {
                    if (!IsReportSeries(sample.Name))
                    {
                        Exposed--;
                    }

                    continue;
                }

                kept.Add(sample);
            }

            if (kept.Count < Samples.Count)
            {
                metrics.SamplesIgnored.WithLabels("repeated").Inc(Samples.Count - kept.Count);
            }

            Samples = kept;
            _checked = kept.Count;
        }

        public bool Complete => Expected is { } expected && Exposed >= expected;
    }
}

/// <summary>Two samples of one scrape are of the same series when name and labels (in their pushed order) are equal.</summary>
internal sealed class SeriesIdentity : IEqualityComparer<ScrapedSample>
{
    public static readonly SeriesIdentity Instance = new();

    public bool Equals(ScrapedSample? x, ScrapedSample? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Name != y.Name || x.Labels.Count != y.Labels.Count)
        {
            return false;
        }

        for (var i = 0; i < x.Labels.Count; i++)
        {
            if (x.Labels[i] != y.Labels[i])
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(ScrapedSample sample)
    {
        var hash = new HashCode();
        hash.Add(sample.Name);
        foreach (var label in sample.Labels)
        {
            hash.Add(label.Name);
            hash.Add(label.Value);
        }

        return hash.ToHashCode();
    }
}
