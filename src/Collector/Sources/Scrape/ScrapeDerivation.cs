using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Scrape;

/// <summary>
/// Turns successive scrapes of one target into canonical series. Rates and quantiles are computed
/// over the increase between the oldest scrape inside the window and the newest, counter resets
/// handled per series; a series that appears between two scrapes counts from zero. Unlike PromQL's
/// rate(), nothing is extrapolated to the window's edges.
/// </summary>
public sealed class ScrapeDerivation
{
    private readonly string _job;
    private readonly string _pod;
    private readonly CounterWindow _window;
    private readonly IReadOnlyList<RequestMetric> _histograms;
    private readonly IReadOnlyList<RequestMetric> _counters;
    private readonly BucketIncreases _buckets;
    private readonly Dictionary<string, string> _familyOfBucket;
    private readonly string _source;

    /// <param name="source">The series' source label: "scrape" for the direct scrape, "remote-write" for pushed targets.</param>
    public ScrapeDerivation(string job, string pod, TimeSpan window, IReadOnlyList<RequestMetric> histograms, IReadOnlyList<RequestMetric> counters, string source = "scrape")
    {
        _job = job;
        _pod = pod;
        _source = source;
        _window = new CounterWindow(window);
        _histograms = histograms;
        _counters = counters;
        _buckets = new BucketIncreases(histograms.Select(h => h.Name).ToList(), source);
        _familyOfBucket = _buckets.Families.ToDictionary(f => f + "_bucket", f => f, StringComparer.Ordinal);
    }

    /// <summary>The next scrape only sets the baseline of the bucket increases (see <see cref="IPollBaseline"/>).</summary>
    public void ForgetPreviousPoll() => _buckets.Restart();

    public IReadOnlyList<SeriesSample> Derive(Exposition exposition, long timestampMs)
    {
        var output = new List<SeriesSample>();
        var histogram = _histograms.FirstOrDefault(h =>
        {
            var bucket = h.Name + "_bucket";
            return exposition.Samples.Any(s => s.Name == bucket);
        });
        var counter = _counters.FirstOrDefault(c => exposition.Samples.Any(s => s.Name == c.Name));

        // The counters kept from this scrape, keyed by sample name and label text; each sample's key is
        // formatted once (a scrape is thousands of samples, and the increases are looked up by the same key).
        var kept = new HashSet<string>(StringComparer.Ordinal) { "process_cpu_seconds_total" };
        if (counter is not null)
        {
            kept.Add(counter.Name);
        }

        if (histogram is not null)
        {
            kept.Add(histogram.Name + "_bucket");
            kept.Add(histogram.Name + "_count");
        }

        var counters = new Dictionary<string, double>(StringComparer.Ordinal);
        var ids = new Dictionary<ScrapedSample, string>(ReferenceEqualityComparer.Instance);
        foreach (var sample in exposition.Samples)
        {
            if (kept.Contains(sample.Name))
            {
                var id = ids[sample] = CounterId(sample);
                counters[id] = sample.Value;
            }
        }

        var delta = _window.Advance(timestampMs, counters);
        AddGauges(exposition, timestampMs, output);

        // Bucket increases are between consecutive scrapes, not over the window: they are summed by whoever reads them.
        var buckets = new List<BucketReading>();
        foreach (var sample in exposition.Samples)
        {
            if (_familyOfBucket.TryGetValue(sample.Name, out var family))
            {
                buckets.Add(new BucketReading(family, _job, sample.Labels, sample.Value));
            }
        }

        output.AddRange(_buckets.Advance(timestampMs, buckets));
        if (delta is null)
        {
            return output;
        }

        var seconds = delta.Seconds;
        double IncreaseOf(ScrapedSample s) => delta.Increase(ids.TryGetValue(s, out var id) ? id : CounterId(s)) ?? 0;

        if (histogram is not null)
        {
            AddLatency(exposition, histogram, IncreaseOf, timestampMs, output);
            AddEndpointLatency(exposition, histogram, IncreaseOf, timestampMs, output);
        }

        var rateSource = counter ?? (histogram?.StatusLabel is not null
            ? new RequestMetric { Name = histogram.Name + "_count", StatusLabel = histogram.StatusLabel }
            : null);
        if (rateSource is not null)
        {
            var byClass = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var sample in exposition.Samples.Where(s => s.Name == rateSource.Name))
            {
                var statusClass = CanonicalSeries.StatusClass(sample.Label(rateSource.StatusLabel!));
                byClass[statusClass] = byClass.GetValueOrDefault(statusClass) + IncreaseOf(sample);
            }

            foreach (var (statusClass, increase) in byClass)
            {
                output.Add(new SeriesSample(
                    SeriesKey.Of(CanonicalSeries.ApiRequestsPerSecond, ("job", _job), ("class", statusClass), ("source", _source)),
                    timestampMs,
                    increase / seconds));
            }

            var byEndpoint = new SortedDictionary<(string Endpoint, string Class), double>();
            foreach (var sample in exposition.Samples.Where(s => s.Name == rateSource.Name && s.Label("endpoint") is not null))
            {
                var key = (sample.Label("endpoint")!, CanonicalSeries.StatusClass(sample.Label(rateSource.StatusLabel!)));
                byEndpoint[key] = byEndpoint.GetValueOrDefault(key) + IncreaseOf(sample);
            }

            foreach (var ((endpoint, statusClass), increase) in byEndpoint)
            {
                output.Add(new SeriesSample(
                    SeriesKey.Of(CanonicalSeries.ApiEndpointRequestsPerSecond, ("job", _job), ("endpoint", endpoint), ("class", statusClass), ("source", _source)),
                    timestampMs,
                    increase / seconds));
            }
        }

        var cpu = exposition.Samples.FirstOrDefault(s => s.Name == "process_cpu_seconds_total");
        if (cpu is not null && delta.Increase(CounterId(cpu)) is { } cpuSeconds)
        {
            output.Add(new SeriesSample(PodKey(CanonicalSeries.PodCpuMillicores), timestampMs, cpuSeconds / seconds * 1000));
        }

        return output;
    }

    private void AddLatency(Exposition exposition, RequestMetric histogram, Func<ScrapedSample, double> increaseOf, long timestampMs, List<SeriesSample> output)
    {
        var bucketName = histogram.Name + "_bucket";
        var byBound = new Dictionary<double, double>();
        foreach (var sample in exposition.Samples.Where(s => s.Name == bucketName))
        {
            if (!HistogramSeries.TryParseLe(sample.Label("le"), out var bound))
            {
                continue;
            }

            byBound[bound] = byBound.GetValueOrDefault(bound) + increaseOf(sample);
        }

        var buckets = byBound.Select(b => new Bucket(b.Key, b.Value)).ToList();
        foreach (var q in CanonicalSeries.LatencyQuantiles)
        {
            var estimate = HistogramQuantile.Estimate(q, buckets);
            if (double.IsNaN(estimate.Value))
            {
                continue; // No requests in the window: a gap, not a zero.
            }

            var quantile = CanonicalSeries.FormatQuantile(q);
            output.Add(new SeriesSample(
                SeriesKey.Of(CanonicalSeries.ApiLatencySeconds, ("job", _job), ("quantile", quantile), ("source", _source)), timestampMs, estimate.Value));
            output.Add(new SeriesSample(
                SeriesKey.Of(CanonicalSeries.ApiLatencyClamped, ("job", _job), ("quantile", quantile), ("source", _source)), timestampMs, estimate.ClampedAtTopBucket ? 1 : 0));
        }
    }

    private void AddEndpointLatency(Exposition exposition, RequestMetric histogram, Func<ScrapedSample, double> increaseOf, long timestampMs, List<SeriesSample> output)
    {
        var bucketName = histogram.Name + "_bucket";
        var byEndpoint = new Dictionary<string, Dictionary<double, double>>(StringComparer.Ordinal);
        foreach (var sample in exposition.Samples.Where(s => s.Name == bucketName))
        {
            if (sample.Label("endpoint") is not { } endpoint || !HistogramSeries.TryParseLe(sample.Label("le"), out var bound))
            {
                continue;
            }

            var buckets = byEndpoint.TryGetValue(endpoint, out var b) ? b : byEndpoint[endpoint] = [];
            buckets[bound] = buckets.GetValueOrDefault(bound) + increaseOf(sample);
        }

        foreach (var (endpoint, byBound) in byEndpoint)
        {
            var buckets = byBound.Select(b => new Bucket(b.Key, b.Value)).ToList();
            foreach (var q in CanonicalSeries.EndpointQuantiles)
            {
                var estimate = HistogramQuantile.Estimate(q, buckets);
                if (!double.IsNaN(estimate.Value))
                {
                    output.Add(new SeriesSample(SeriesKey.Of(CanonicalSeries.ApiEndpointLatencySeconds,
                        ("job", _job), ("endpoint", endpoint), ("quantile", CanonicalSeries.FormatQuantile(q)), ("source", _source)), timestampMs, estimate.Value));
                }
            }
        }
    }

    private void AddGauges(Exposition exposition, long timestampMs, List<SeriesSample> output)
    {
        // prometheus-net calls resident memory "working set"; Python's client calls it resident.
        var memory = exposition.Samples.FirstOrDefault(s => s.Name == "process_resident_memory_bytes")
            ?? exposition.Samples.FirstOrDefault(s => s.Name == "process_working_set_bytes");
        if (memory is not null && double.IsFinite(memory.Value))
        {
            output.Add(new SeriesSample(PodKey(CanonicalSeries.PodMemoryBytes), timestampMs, memory.Value));
        }

        if (exposition.Samples.FirstOrDefault(s => s.Name == "process_start_time_seconds") is { } started && double.IsFinite(started.Value))
        {
            output.Add(new SeriesSample(PodKey(CanonicalSeries.PodStartTimeSeconds), timestampMs, started.Value));
        }

        // The x0tta6bl4 Api's own pool gauges.
        if (exposition.Samples.FirstOrDefault(s => s.Name == "x0tta6bl4_db_pool_connections_busy") is { } busy)
        {
            output.Add(new SeriesSample(PodKey(CanonicalSeries.DbPoolConnections).With("state", "busy"), timestampMs, busy.Value));
        }

        if (exposition.Samples.FirstOrDefault(s => s.Name == "x0tta6bl4_db_pool_connections_max") is { } max)
        {
            output.Add(new SeriesSample(PodKey(CanonicalSeries.DbPoolMaxConnections), timestampMs, max.Value));
        }
    }

    private SeriesKey PodKey(string name) => SeriesKey.Of(name, ("job", _job), ("pod", _pod), ("source", _source));

    private static string CounterId(ScrapedSample sample) => sample.Name + "{" + SeriesKey.FormatLabels(sample.Labels) + "}";
}
