using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Prometheus;

/// <summary>
/// Polls Prometheus with the catalog's PromQL and maps each result to canonical series; with a snapshot
/// sink, also reads its targets, alerts and rules, which no series can hold, for the pages.
/// </summary>
public sealed class PrometheusSource : ISource, IPollBaseline, IPollWarnings
{
    private readonly PollWarnings _warnings = new();
    private readonly PrometheusClient _client;
    private readonly IReadOnlyList<CatalogQuery> _queries;
    private readonly Func<PrometheusTargets, PrometheusAlerts, CancellationToken, Task>? _publish;
    private readonly BucketIncreases _buckets;

    public PrometheusSource(PrometheusClient client, PrometheusSourceOptions options, CollectorOptions collector,
        Func<PrometheusTargets, PrometheusAlerts, CancellationToken, Task>? publish = null)
    {
        _client = client;
        _publish = publish;
        _queries = PrometheusQueries.Build(collector);
        _buckets = new BucketIncreases(collector.LatencyHistograms.Select(h => h.Name).ToList(), "prometheus");
        Endpoint = options.Url;
        Interval = TimeSpan.FromSeconds(options.IntervalSeconds);
        Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
    }

    public string Name => "prometheus";

    public string Endpoint { get; }

    public TimeSpan Interval { get; }

    public TimeSpan Timeout { get; }

    public void ForgetPreviousPoll() => _buckets.Restart();

    public IReadOnlyList<string> LastWarnings { get; private set; } = [];

    public async Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs);
        var output = new List<SeriesSample>();

        // For each kind of request metric, a job already answered by an earlier-listed name is skipped,
        // so an app exposing both x0tta6bl4_* and http_* is not counted twice.
        var familyOfJob = new Dictionary<(string Kind, string Job), string>();
        _warnings.Clear();
        LastWarnings = [];
        foreach (var query in _queries)
        {
            PromQueryResult result;
            try
            {
                result = await _client.QueryAsync(query.PromQL, at, cancellationToken);
            }
            catch (PrometheusApiException e)
            {
                throw new SourceException($"{e.Message} (query: {query.PromQL})", e);
            }

            _warnings.Add(query.Series, result.Warnings);

            var kind = query.Family?.Split(':')[0];
            foreach (var sample in result.Samples)
            {
                // NaN means "no requests in the window" for histogram_quantile: a gap, not a value.
                if (double.IsNaN(sample.Value))
                {
                    continue;
                }

                var jobName = sample.Label("job") ?? string.Empty;
                if (kind is not null)
                {
                    if (familyOfJob.TryGetValue((kind, jobName), out var family) && family != query.Family)
                    {
                        continue;
                    }

                    familyOfJob[(kind, jobName)] = query.Family!;
                }

                var labels = query.Labels
                    .Select(l => new Label(l.Value, sample.Label(l.Key) ?? string.Empty))
                    .Concat(query.Fixed.Select(f => new Label(f.Key, f.Value)))
                    .Append(new Label("source", "prometheus"));
                output.Add(new SeriesSample(new SeriesKey(query.Series, labels), timestampMs, sample.Value));
            }
        }

        output.AddRange(_buckets.Advance(timestampMs, await ReadBucketsAsync(at, cancellationToken)));

        if (_publish is not null)
        {
            PrometheusTargets targets;
            PrometheusAlerts alerts;
            try
            {
                targets = new PrometheusTargets(at, await _client.TargetsAsync(cancellationToken));
                alerts = new PrometheusAlerts(at, await _client.AlertsAsync(cancellationToken), await _client.RulesAsync(cancellationToken));
            }
            catch (PrometheusApiException e)
            {
                throw new SourceException($"{e.Message} (reading targets, alerts and rules)", e);
            }

            await _publish(targets, alerts, cancellationToken);
        }

        LastWarnings = _warnings.Summary(_queries.Count + _buckets.Families.Count());
        return output;
    }

    /// <summary>
    /// The raw bucket series, unaggregated, so that a reset of one pod's counters is seen on that pod's series
    /// (a sum over pods would hide it behind the others' growth). Differenced against the previous poll in process.
    /// </summary>
    private async Task<List<BucketReading>> ReadBucketsAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        var readings = new List<BucketReading>();
        foreach (var family in _buckets.Families)
        {
            var promql = family + "_bucket";
            PromQueryResult result;
            try
            {
                result = await _client.QueryAsync(promql, at, cancellationToken);
            }
            catch (PrometheusApiException e)
            {
                throw new SourceException($"{e.Message} (query: {promql})", e);
            }

            _warnings.Add(promql, result.Warnings);
            foreach (var sample in result.Samples)
            {
                readings.Add(new BucketReading(family, sample.Label("job") ?? string.Empty, sample.Metric.Where(l => l.Name is not ("__name__" or "job")).ToList(), sample.Value));
            }
        }

        return readings;
    }
}
