namespace X0tta6bl4.Ops.Collector.Configuration;

/// <summary>How the collector derives canonical series; section "Collector".</summary>
public sealed class CollectorOptions
{
    public const string Section = "Collector";

    /// <summary>Run the collector inside this process.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Window for rates and quantiles, in seconds (like PromQL's rate(x[1m])).</summary>
    public int WindowSeconds { get; set; } = 60;

    /// <summary>This instance's name on the Targets page and in the lease table; default host:pid.</summary>
    public string? InstanceName { get; set; }

    /// <summary>
    /// How long a lease on a source lasts without renewal; leases are renewed every third of it. A source whose
    /// collector died is taken over by another within about 1⅓ × this, so keep it below the shortest poll interval.
    /// </summary>
    public double LeaseSeconds { get; set; } = 10;

    /// <summary>Samples held in memory while the store cannot be written; the oldest are dropped beyond it.</summary>
    public int BufferCapacity { get; set; } = 2_000_000;

    /// <summary>
    /// Folder of the write buffer's spool (a write-ahead log), relative to the content root; empty keeps the buffer in
    /// memory only. Each collector needs its own: a folder in use by another process is not shared.
    /// </summary>
    public string SpoolPath { get; set; } = "data/collector-spool";

    /// <summary>Bytes the spool may take on disk; beyond it the oldest samples are dropped and counted.</summary>
    public long SpoolMaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Request duration histograms, tried in order; the first one a target exposes is used.</summary>
    public List<RequestMetric> LatencyHistograms { get; set; } = [];

    /// <summary>Request counters with a status label, tried in order.</summary>
    public List<RequestMetric> RequestCounters { get; set; } = [];

    public static readonly RequestMetric[] DefaultLatencyHistograms =
    [
        new() { Name = "x0tta6bl4_request_duration_seconds" },
        new() { Name = "http_request_duration_seconds", StatusLabel = "code" },
    ];

    public static readonly RequestMetric[] DefaultRequestCounters =
    [
        new() { Name = "x0tta6bl4_requests_total", StatusLabel = "status" },
        new() { Name = "http_requests_received_total", StatusLabel = "code" },
    ];
}

/// <summary>A request metric family name and the label that holds the HTTP status, if any.</summary>
public sealed class RequestMetric
{
    public string Name { get; set; } = string.Empty;

    public string? StatusLabel { get; set; }
}
