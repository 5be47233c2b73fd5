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
internal sealed class PushedTarget(string job, ScrapeDerivation derivation)
{
    /// <summary>
    /// Scrapes held per target before the oldest is derived as it is: in steady state a target holds one or two (its
    /// current scrape, and the next one while the grace runs); more only while Prometheus replays a backlog. At 2,000
    /// series a scrape holds ≈ 300 kB, so 16 keep a stuck target to ≈ 5 MB.
    /// </summary>
    public const int MaxPendingScrapes = 16;

    private static readonly IReadOnlyDictionary<string, string> NoTypes = new Dictionary<string, string>();

    // Sorted by timestamp; a handful at most (see MaxPendingScrapes), so the oldest is Keys[0] without an enumerator.
    private readonly SortedList<long, PendingScrape> _pending = [];
    private long _newestSeenMs = long.MinValue;

    public string Job { get; } = job;

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

    public void Add(long timestampMs, ScrapedSample sample, bool report, DateTimeOffset now)
    {
        if (!_pending.TryGetValue(timestampMs, out var scrape))
        {
            // Once per scrape, not per sample: a scrape arriving after a later one starts its grace at once.
            scrape = _pending[timestampMs] = new PendingScrape { LaterSeenAt = timestampMs < _newestSeenMs ? now : null };
            Seen(timestampMs, now);
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

    /// <summary>Derives, oldest first, every scrape that is complete, or incomplete past its grace, or beyond <see cref="MaxPendingScrapes"/>.</summary>
    public void DeriveReady(DateTimeOffset now, TimeSpan grace, List<SeriesSample> output)
    {
        while (_pending.Count > 0)
        {
            var (timestampMs, scrape) = (_pending.Keys[0], _pending.Values[0]);
            if (!scrape.Complete)
            {
                var reason = scrape.LaterSeenAt is { } seen && now - seen >= grace ? scrape.Expected is null ? "uncounted" : "short"
                    : _pending.Count > MaxPendingScrapes ? "pending_limit"
                    : null;
                if (reason is null)
                {
                    Waiting = scrape.LaterSeenAt is not null;
                    return;
                }

                RemoteWriteMetrics.ScrapesIncomplete.WithLabels(reason).Inc();
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
            if (!scrape.Complete)
            {
                RemoteWriteMetrics.ScrapesIncomplete.WithLabels("target_forgotten").Inc();
            }

            Derive(timestampMs, scrape, output);
        }

        Waiting = false;
    }

    /// <summary>Derives the oldest scrape held (<paramref name="timestampMs"/>, <paramref name="scrape"/>).</summary>
    private void Derive(long timestampMs, PendingScrape scrape, List<SeriesSample> output)
    {
        _pending.RemoveAt(0);
        LastDerivedMs = timestampMs;
        var samples = derivation.Derive(new Exposition(scrape.Samples, NoTypes), timestampMs);
        output.AddRange(samples);
        output.AddRange(DerivedSeries.From(samples));
    }

    private sealed class PendingScrape
    {
        public List<ScrapedSample> Samples { get; } = [];

        /// <summary>Samples that are not report series.</summary>
        public int Exposed { get; set; }

        /// <summary>scrape_samples_post_metric_relabeling of this scrape, once it arrived.</summary>
        public double? Expected { get; set; }

        /// <summary>When a later timestamp of the target was first seen; the grace runs from here.</summary>
        public DateTimeOffset? LaterSeenAt { get; set; }

        public bool Complete => Expected is { } expected && Exposed >= expected;
    }
}
