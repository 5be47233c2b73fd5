using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>
/// The jobs that have request or process data, and the source to read each one from: Prometheus when it has
/// fresh data for the job, else the direct scrape. One read of the newest samples serves every job.
/// </summary>
public sealed class JobSources
{
    private readonly DateTimeOffset _now;
    private readonly IReadOnlyList<LatestSample> _memory;
    private readonly IReadOnlyList<LatestSample> _rates;
    private readonly IReadOnlyList<LatestSample> _latency;

    private JobSources(DateTimeOffset now, IReadOnlyList<string> jobs, IReadOnlyList<LatestSample> memory, IReadOnlyList<LatestSample> rates, IReadOnlyList<LatestSample> latency)
    {
        _now = now;
        Jobs = jobs;
        _memory = memory;
        _rates = rates;
        _latency = latency;
    }

    /// <summary>
    /// The newest samples of one job and source of a series this read already holds (request rates, latency quantiles,
    /// memory), so a page does not read them again.
    /// </summary>
    public IReadOnlyList<LatestSample> Newest(string series, string job, string source) => (series switch
    {
        CanonicalSeries.ApiRequestsPerSecond => _rates,
        CanonicalSeries.ApiLatencySeconds => _latency,
        CanonicalSeries.PodMemoryBytes => _memory,
        _ => throw new ArgumentException($"{series} is not read by JobSources.", nameof(series)),
    }).Where(l => l.Key["job"] == job && l.Key["source"] == source).ToList();

    /// <summary>Sorted.</summary>
    public IReadOnlyList<string> Jobs { get; }

    public static async Task<JobSources> LoadAsync(SeriesReader reader, CancellationToken cancellationToken)
    {
        // Three independent reads, together.
        var (latencyRead, ratesRead, memoryRead) = (reader.LatestAsync(new SeriesSelector(CanonicalSeries.ApiLatencySeconds), cancellationToken),
            reader.LatestAsync(new SeriesSelector(CanonicalSeries.ApiRequestsPerSecond), cancellationToken),
            reader.LatestAsync(new SeriesSelector(CanonicalSeries.PodMemoryBytes), cancellationToken));
        var (latency, rates, memory) = (await latencyRead, await ratesRead, await memoryRead);
        var jobs = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var latest in latency.Concat(rates).Concat(memory))
        {
            if (latest.Key["job"] is { } job)
            {
                jobs.Add(job);
            }
        }

        return new JobSources(reader.Now, jobs.ToList(), memory, rates, latency);
    }

    /// <summary>The requested job when it has data, else "api", else the first; and its source.</summary>
    public (string? Job, string? Source) Choose(string? requested)
    {
        var job = requested is not null && Jobs.Contains(requested) ? requested : Jobs.Contains("api") ? "api" : Jobs.FirstOrDefault();
        return (job, job is null ? null : SourceOf(job));
    }

    /// <summary>Prometheus when it has fresh data for the job (process memory, else request rates), else the direct scrape.</summary>
    public string? SourceOf(string job)
    {
        var latest = _memory.Where(l => l.Key["job"] == job).ToList();
        latest = latest.Count > 0 ? latest : _rates.Where(l => l.Key["job"] == job).ToList();
        return JobSource.Prefer(latest, _now);
    }
}
