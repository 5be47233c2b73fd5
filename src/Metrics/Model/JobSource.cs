using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Model;

/// <summary>Which source to read a job's figures from when several observe it (Prometheus and a direct scrape).</summary>
public static class JobSource
{
    /// <summary>A newest sample older than this is stale: the source has stopped answering for the job.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Prometheus when it has fresh data for the job, else the freshest source, else (all stale) the newest; null for
    /// no samples. Pages and alert rules choose alike, so an alert's figures are the ones its page shows.
    /// </summary>
    public static string? Prefer(IEnumerable<LatestSample> newest, DateTimeOffset now)
    {
        var samples = newest.ToList();
        return samples.OrderByDescending(l => l.Key["source"] == "prometheus")
                .ThenByDescending(l => l.Sample.TimestampMs)
                .FirstOrDefault(l => now - l.Sample.Timestamp < StaleAfter)?.Key["source"]
            ?? samples.OrderByDescending(l => l.Sample.TimestampMs).FirstOrDefault()?.Key["source"];
    }
}
