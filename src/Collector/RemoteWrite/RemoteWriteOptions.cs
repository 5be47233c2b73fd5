using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;

namespace X0tta6bl4.Ops.Collector.RemoteWrite;

/// <summary>Section "RemoteWrite": the Prometheus remote-write receiver (<c>POST /api/v1/write</c> on the dashboard).</summary>
public sealed class RemoteWriteOptions
{
    public const string Section = "RemoteWrite";

    /// <summary>RemoteWrite:Enabled read straight from configuration: the services and the endpoint are added by it before the options are bound.</summary>
    public static bool IsEnabled(IConfiguration configuration) => configuration.GetValue(Section + ":Enabled", false);

    public bool Enabled { get; set; }

    /// <summary>A token Prometheus may send as <c>Authorization: Bearer …</c> (its remote_write authorization); empty: Basic only. Set it from the environment.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Bytes of one compressed body; Prometheus sends a few hundred kB at most with its defaults.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Bytes the body may unpack to (snappy says so in its header, before anything is unpacked).</summary>
    public int MaxDecodedBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Samples waiting in the collector's write buffer beyond which a push is refused with 503 + Retry-After (Prometheus
    /// retries it). Below Collector:BufferCapacity, so the buffer never has to drop a pushed sample.
    /// </summary>
    public int BufferLimit { get; set; } = 1_000_000;

    /// <summary>Seconds a refused push is told to wait (Retry-After).</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>
    /// Seconds an incomplete scrape (fewer samples than its scrape_samples_post_metric_relabeling, or that count not
    /// arrived) waits for its missing part once a later scrape of the same target has arrived, before it is derived as
    /// it is and counted. Prometheus's shards send independently, each a batch when full or after batch_send_deadline
    /// (5 s by default), so one shard may deliver a target's next scrape before another delivers the rest of this one.
    /// 0 derives at the later scrape, as before this option.
    /// </summary>
    public int IncompleteScrapeGraceSeconds { get; set; } = 5;

    /// <summary>
    /// Scrapes one pushed target may hold (waiting for their missing parts) before the oldest is derived as it is. In
    /// steady state a target holds one or two; more only while Prometheus replays a backlog. At 2,000 series a scrape
    /// holds ≈ 300 kB, so 16 keep a stuck target to ≈ 5 MB.
    /// </summary>
    public int MaxPendingScrapes { get; set; } = 16;

    /// <summary>
    /// Bytes of the held-scrape log (a folder under Collector:SpoolPath): held samples are logged before their push is
    /// answered, so a crash loses none. Beyond it the oldest batches go from the log (not from memory), counted.
    /// </summary>
    public long HeldLogMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How often a pushing Prometheus is expected to send; the Targets page marks a pushed job stale after three of these.</summary>
    public int IntervalSeconds { get; set; } = 15;
}

/// <summary>
/// Checks the section, and it against the collector's: read from configuration as bound, not through IOptions, so that a
/// bad Collector section is reported once, by its own validator, beside these problems rather than instead of them.
/// </summary>
public sealed class RemoteWriteOptionsValidator(IConfiguration configuration) : IValidateOptions<RemoteWriteOptions>
{
    public ValidateOptionsResult Validate(string? name, RemoteWriteOptions o)
    {
        var errors = new List<string>();
        var collector = new CollectorOptions();
        try
        {
            configuration.GetSection(CollectorOptions.Section).Bind(collector);
        }
        catch (InvalidOperationException)
        {
            // A value of the wrong type: the collector's own binding reports it.
        }

        Check(o.MaxBodyBytes is >= 1024 and <= 1024 * 1024 * 1024, $"RemoteWrite:MaxBodyBytes must be 1024–1073741824 (was {o.MaxBodyBytes}).");
        Check(o.MaxDecodedBytes >= o.MaxBodyBytes && o.MaxDecodedBytes <= 1024 * 1024 * 1024, $"RemoteWrite:MaxDecodedBytes must be at least RemoteWrite:MaxBodyBytes and at most 1073741824 (was {o.MaxDecodedBytes}).");
        Check(o.BufferLimit >= 1 && o.BufferLimit < collector.BufferCapacity,
            $"RemoteWrite:BufferLimit must be at least 1 and below Collector:BufferCapacity ({collector.BufferCapacity}), so that the buffer never drops a pushed sample (was {o.BufferLimit}).");
        Check(o.RetryAfterSeconds is >= 1 and <= 3600, $"RemoteWrite:RetryAfterSeconds must be 1–3600 (was {o.RetryAfterSeconds}).");
        Check(o.IncompleteScrapeGraceSeconds is >= 0 and <= 300, $"RemoteWrite:IncompleteScrapeGraceSeconds must be 0–300 (was {o.IncompleteScrapeGraceSeconds}).");
        Check(o.MaxPendingScrapes is >= 1 and <= 1000, $"RemoteWrite:MaxPendingScrapes must be 1–1000 (was {o.MaxPendingScrapes}).");
        Check(o.HeldLogMaxBytes is >= 1024 * 1024 and <= 64L * 1024 * 1024 * 1024, $"RemoteWrite:HeldLogMaxBytes must be 1048576–68719476736 (was {o.HeldLogMaxBytes}).");
        Check(o.IntervalSeconds is >= 1 and <= 3600, $"RemoteWrite:IntervalSeconds must be 1–3600 (was {o.IntervalSeconds}).");
        Check(!o.Enabled || collector.Enabled,
            "RemoteWrite:Enabled needs Collector:Enabled: pushed samples go through this process's collector (its write buffer and spool) to the store.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(bool ok, string error)
        {
            if (!ok)
            {
                errors.Add(error);
            }
        }
    }
}
