using System.Globalization;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Collector.Configuration;

namespace X0tta6bl4.Ops.Collector.Sources.Prometheus;

/// <summary>A PromQL query and the canonical series its result feeds.</summary>
/// <param name="Labels">Result labels copied onto the canonical series, renamed (result label → canonical label).</param>
/// <param name="Fixed">Labels every result sample gets.</param>
public sealed record CatalogQuery(string Series, string PromQL, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Fixed)
{
    /// <summary>Which request metric this query reads, so that a job served by an earlier name skips later ones.</summary>
    public string? Family { get; init; }
}

/// <summary>The default PromQL behind each canonical series.</summary>
public static class PrometheusQueries
{
    public static IReadOnlyList<CatalogQuery> Build(CollectorOptions options)
    {
        var window = $"{options.WindowSeconds}s";
        var job = new Dictionary<string, string> { ["job"] = "job" };
        var pod = new Dictionary<string, string> { ["job"] = "job", ["instance"] = "pod" };
        var queries = new List<CatalogQuery>();

        foreach (var histogram in options.LatencyHistograms)
        {
            foreach (var q in CanonicalSeries.LatencyQuantiles)
            {
                var quantile = CanonicalSeries.FormatQuantile(q);
                queries.Add(new CatalogQuery(
                    CanonicalSeries.ApiLatencySeconds,
                    $"histogram_quantile({q.ToString(CultureInfo.InvariantCulture)}, sum by (job, le) (rate({histogram.Name}_bucket[{window}])))",
                    job,
                    new Dictionary<string, string> { ["quantile"] = quantile })
                { Family = "latency:" + histogram.Name });
            }
        }

        foreach (var histogram in options.LatencyHistograms)
        {
            foreach (var q in CanonicalSeries.EndpointQuantiles)
            {
                queries.Add(new CatalogQuery(
                    CanonicalSeries.ApiEndpointLatencySeconds,
                    $"histogram_quantile({q.ToString(CultureInfo.InvariantCulture)}, sum by (job, endpoint, le) (rate({histogram.Name}_bucket[{window}])))",
                    new Dictionary<string, string> { ["job"] = "job", ["endpoint"] = "endpoint" },
                    new Dictionary<string, string> { ["quantile"] = CanonicalSeries.FormatQuantile(q) })
                { Family = "endpoint-latency:" + histogram.Name });
            }
        }

        foreach (var counter in options.RequestCounters)
        {
            queries.Add(new CatalogQuery(
                CanonicalSeries.ApiEndpointRequestsPerSecond,
                $"sum by (job, endpoint, class) (label_replace(rate({counter.Name}[{window}]), \"class\", \"${{1}}xx\", \"{counter.StatusLabel}\", \"([0-9])..\"))",
                new Dictionary<string, string> { ["job"] = "job", ["endpoint"] = "endpoint", ["class"] = "class" },
                new Dictionary<string, string>())
            { Family = "endpoint-requests:" + counter.Name });
        }

        foreach (var counter in options.RequestCounters)
        {
            queries.Add(new CatalogQuery(
                CanonicalSeries.ApiRequestsPerSecond,
                $"sum by (job, class) (label_replace(rate({counter.Name}[{window}]), \"class\", \"${{1}}xx\", \"{counter.StatusLabel}\", \"([0-9])..\"))",
                new Dictionary<string, string> { ["job"] = "job", ["class"] = "class" },
                new Dictionary<string, string>())
            { Family = "requests:" + counter.Name });
        }

        queries.Add(new CatalogQuery(CanonicalSeries.PodCpuMillicores, $"rate(process_cpu_seconds_total[{window}]) * 1000", pod, new Dictionary<string, string>()));
        queries.Add(new CatalogQuery(CanonicalSeries.PodStartTimeSeconds, "process_start_time_seconds", pod, new Dictionary<string, string>()));
        queries.Add(new CatalogQuery(CanonicalSeries.PodMemoryBytes, "process_resident_memory_bytes or process_working_set_bytes", pod, new Dictionary<string, string>()));
        queries.Add(new CatalogQuery(CanonicalSeries.DbPoolConnections, "x0tta6bl4_db_pool_connections_busy", pod, new Dictionary<string, string> { ["state"] = "busy" }));
        queries.Add(new CatalogQuery(CanonicalSeries.DbPoolMaxConnections, "x0tta6bl4_db_pool_connections_max", pod, new Dictionary<string, string>()));
        queries.AddRange(PodIo(window));
        var instance = new Dictionary<string, string> { ["instance"] = "instance" };
        queries.Add(new CatalogQuery(CanonicalSeries.PrometheusSeries, "prometheus_tsdb_head_series", instance, new Dictionary<string, string>()));
        queries.Add(new CatalogQuery(CanonicalSeries.PrometheusIngestPerSecond, $"rate(prometheus_tsdb_head_samples_appended_total[{window}])", instance, new Dictionary<string, string>()));
        queries.Add(new CatalogQuery(CanonicalSeries.TargetScrapeSeconds, "scrape_duration_seconds",
            new Dictionary<string, string> { ["job"] = "job", ["instance"] = "instance" }, new Dictionary<string, string>()));
        queries.Add(new CatalogQuery(CanonicalSeries.TargetUp, "up", new Dictionary<string, string> { ["job"] = "job", ["instance"] = "instance" }, new Dictionary<string, string>()));
        return queries;
    }

    /// <summary>Devices node_exporter reports that would count the same bytes twice: device-mapper and md over real disks.</summary>
    public const string NodeDiskExcluded = "dm-.*|md.*";

    /// <summary>Interfaces that are loopback or carry the pods' traffic a second time (veth pairs, bridges, overlays).</summary>
    public const string NodeNetworkExcluded = "lo|veth.*|docker.*|br-.*|cni.*|flannel.*|cali.*|virbr.*|tunl.*|vxlan.*|kube-ipvs.*";

    /// <summary>
    /// Disk and network per pod from cAdvisor's container_* counters, or else, per node, from node_exporter's
    /// node_* counters (the instance stands in for the pod); no result when Prometheus has neither. The label
    /// <c>exporter</c> says which, since a node's figure includes everything on the node.
    /// </summary>
    public static IEnumerable<CatalogQuery> PodIo(string window)
    {
        var labels = new Dictionary<string, string> { ["job"] = "job", ["pod"] = "pod", ["exporter"] = "exporter" };
        (string Series, string Cadvisor, string Node, bool Network)[] io =
        [
            (CanonicalSeries.PodDiskReadBytesPerSecond, "container_fs_reads_bytes_total", "node_disk_read_bytes_total", false),
            (CanonicalSeries.PodDiskWriteBytesPerSecond, "container_fs_writes_bytes_total", "node_disk_written_bytes_total", false),
            (CanonicalSeries.PodNetworkReceiveBytesPerSecond, "container_network_receive_bytes_total", "node_network_receive_bytes_total", true),
            (CanonicalSeries.PodNetworkTransmitBytesPerSecond, "container_network_transmit_bytes_total", "node_network_transmit_bytes_total", true),
        ];
        foreach (var (series, cadvisor, node, network) in io)
        {
            // Disk: the containers' own cgroups (container="" is the pod's total of them, "POD" the pause container).
            // Network: a pod's containers share one network namespace and each may report it, so the largest per
            // interface is the pod's, not the sum.
            var perPod = network
                ? $"sum by (job, pod) (max by (job, pod, interface) (rate({cadvisor}{{pod!=\"\",interface!=\"lo\"}}[{window}])))"
                : $"sum by (job, pod) (rate({cadvisor}{{pod!=\"\",container!=\"\",container!=\"POD\"}}[{window}]))";
            var cadvisorSelector = network ? $"{cadvisor}{{pod!=\"\"}}" : $"{cadvisor}{{pod!=\"\",container!=\"\"}}";
            var perNode = $"sum by (job, pod) (label_replace(rate({node}{{device!~\"{(network ? NodeNetworkExcluded : NodeDiskExcluded)}\"}}[{window}]), \"pod\", \"$1\", \"instance\", \"(.*)\"))";
            yield return new CatalogQuery(series, CadvisorElseNode(perPod, cadvisorSelector, perNode), labels, new Dictionary<string, string>());
        }
    }

    /// <summary>
    /// The per-pod figure, labelled exporter="cadvisor", while Prometheus has any series of <paramref name="cadvisorSelector"/>;
    /// otherwise the per-node one, labelled exporter="node_exporter". Never both, so a report does not add a node to its pods.
    /// </summary>
    public static string CadvisorElseNode(string perPod, string cadvisorSelector, string perNode) =>
        $"label_replace({perPod}, \"exporter\", \"cadvisor\", \"\", \"\") or (label_replace({perNode}, \"exporter\", \"node_exporter\", \"\", \"\") unless on() count({cadvisorSelector}))";
}
