using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources;

/// <summary>One raw cumulative bucket as a source read it: the histogram family (name without _bucket), its job and all its labels.</summary>
public readonly record struct BucketReading(string Family, string Job, IReadOnlyList<Label> Labels, double Value)
{
    public string? Label(string name)
    {
        foreach (var label in Labels)
        {
            if (label.Name == name)
            {
                return label.Value;
            }
        }

        return null;
    }
}

/// <summary>
/// Turns successive polls of raw histogram buckets into the per-poll bucket increases of the catalog
/// (<see cref="HistogramSeries"/>): increases are taken per raw series (job, instance, endpoint, method, le …)
/// by <see cref="PollIncreases"/>, then summed to the canonical labels. Both the direct scrape and the
/// Prometheus source use it, so the two agree on the rules and on the <c>le</c> text.
/// </summary>
public sealed class BucketIncreases
{
    /// <summary>A series gone this long is forgotten: it outlasts a target's outage of an hour, and bounds memory as pods come and go.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private readonly IReadOnlyList<string> _latencyFamilies;
    private readonly string _source;
    private readonly PollIncreases _increases = new(ForgetAfter);

    /// <summary>
    /// The canonical keys of each raw bucket series, by its id, from the previous poll. Building a SeriesKey (sorting and
    /// formatting its labels) per raw bucket per poll was most of a derivation's time (bench/run remote-write's profile:
    /// 3.7 of 7.7 s in SeriesKey's constructor); a raw series keeps its keys from poll to poll. Rebuilt from the current
    /// poll each time, so it holds only the series of the last poll.
    /// </summary>
    private Dictionary<string, CanonicalKeys> _keysOf = new(StringComparer.Ordinal);

    /// <summary>What a raw bucket series adds to: the job's latency buckets, and its endpoint's or query's when its labels have one.</summary>
    private sealed record CanonicalKeys(SeriesKey Api, SeriesKey? Endpoint, SeriesKey? Query);

    /// <param name="latencyFamilies">Request-duration histograms in order of preference: per job, the first with data is used, so nothing is counted twice.</param>
    public BucketIncreases(IReadOnlyList<string> latencyFamilies, string source)
    {
        _latencyFamilies = latencyFamilies;
        _source = source;
    }

    /// <summary>The families whose buckets a source should read.</summary>
    public IEnumerable<string> Families => _latencyFamilies.Append(HistogramSeries.DbQueryHistogram).Distinct(StringComparer.Ordinal);

    /// <summary>The next poll answers nothing and becomes the new baseline.</summary>
    public void Restart() => _increases.Restart();

    /// <summary>Takes one poll's buckets; answers nothing on the first poll (no previous reading to difference against).</summary>
    public IReadOnlyList<SeriesSample> Advance(long timestampMs, IReadOnlyList<BucketReading> readings)
    {
        var values = new Dictionary<string, double>(readings.Count, StringComparer.Ordinal);
        var ids = new string[readings.Count];
        for (var i = 0; i < readings.Count; i++)
        {
            var r = readings[i];
            ids[i] = r.Family + "\u0000" + r.Job + "\u0000" + SeriesKey.FormatLabels(SeriesKey.SortedByName(r.Labels));
            values[ids[i]] = r.Value;
        }

        var increases = _increases.Advance(timestampMs, values);
        if (increases is null)
        {
            return [];
        }

        var latencyFamilyOfJob = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var family in _latencyFamilies)
        {
            foreach (var r in readings)
            {
                if (r.Family == family)
                {
                    latencyFamilyOfJob.TryAdd(r.Job, family);
                }
            }
        }

        var sums = new Dictionary<SeriesKey, double>();
        void Add(SeriesKey key, double increase) => sums[key] = sums.GetValueOrDefault(key) + increase;

        var keysOf = new Dictionary<string, CanonicalKeys>(readings.Count, StringComparer.Ordinal);
        for (var i = 0; i < readings.Count; i++)
        {
            var r = readings[i];
            if (!_keysOf.TryGetValue(ids[i], out var keys) && (keys = KeysOf(r)) is null)
            {
                continue; // no usable le: never a canonical bucket
            }

            keysOf[ids[i]] = keys;
            if (!increases.TryGetValue(ids[i], out var increase))
            {
                continue;
            }

            if (latencyFamilyOfJob.TryGetValue(r.Job, out var family) && family == r.Family)
            {
                Add(keys.Api, increase);
                if (keys.Endpoint is not null)
                {
                    Add(keys.Endpoint, increase);
                }
            }

            if (r.Family == HistogramSeries.DbQueryHistogram && keys.Query is not null)
            {
                Add(keys.Query, increase);
            }
        }

        _keysOf = keysOf;
        return sums.Select(s => new SeriesSample(s.Key, timestampMs, s.Value)).ToList();
    }

    private CanonicalKeys? KeysOf(BucketReading r)
    {
        if (!HistogramSeries.TryParseLe(r.Label("le"), out var bound))
        {
            return null;
        }

        var le = HistogramSeries.FormatLe(bound);
        return new CanonicalKeys(
            SeriesKey.Of(HistogramSeries.ApiLatencyBucketIncrease, ("job", r.Job), ("le", le), ("source", _source)),
            r.Label("endpoint") is { Length: > 0 } endpoint
                ? SeriesKey.Of(HistogramSeries.ApiEndpointLatencyBucketIncrease, ("job", r.Job), ("endpoint", endpoint), ("le", le), ("source", _source))
                : null,
            r.Label("query") is { Length: > 0 } query
                ? SeriesKey.Of(HistogramSeries.DbQueryBucketIncrease, ("job", r.Job), ("query", query), ("le", le), ("source", _source))
                : null);
    }
}
