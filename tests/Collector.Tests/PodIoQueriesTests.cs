using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources.Prometheus;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Collector.Tests;

public class PodIoQueriesTests
{
    private static CatalogQuery Query(string series) =>
        PrometheusQueries.Build(new CollectorOptions { WindowSeconds = 60 }).Single(q => q.Series == series);

    [Fact]
    public void DiskRead_PrefersCadvisorPerContainerElseNodeExporterPerInstance()
    {
        var query = Query(CanonicalSeries.PodDiskReadBytesPerSecond);

        Assert.Equal(
            "label_replace(sum by (job, pod) (rate(container_fs_reads_bytes_total{pod!=\"\",container!=\"\",container!=\"POD\"}[60s])), \"exporter\", \"cadvisor\", \"\", \"\")"
            + " or (label_replace(sum by (job, pod) (label_replace(rate(node_disk_read_bytes_total{device!~\"dm-.*|md.*\"}[60s]), \"pod\", \"$1\", \"instance\", \"(.*)\")), \"exporter\", \"node_exporter\", \"\", \"\")"
            + " unless on() count(container_fs_reads_bytes_total{pod!=\"\",container!=\"\"}))",
            query.PromQL);
        Assert.Equal(new Dictionary<string, string> { ["job"] = "job", ["pod"] = "pod", ["exporter"] = "exporter" }, query.Labels);
    }

    [Fact]
    public void NetworkReceive_TakesTheLargestPerInterfaceOfAPodAndLeavesOutVirtualNodeInterfaces()
    {
        var query = Query(CanonicalSeries.PodNetworkReceiveBytesPerSecond);

        Assert.StartsWith(
            "label_replace(sum by (job, pod) (max by (job, pod, interface) (rate(container_network_receive_bytes_total{pod!=\"\",interface!=\"lo\"}[60s]))), \"exporter\", \"cadvisor\", \"\", \"\")",
            query.PromQL);
        Assert.Contains("rate(node_network_receive_bytes_total{device!~\"lo|veth.*|docker.*|br-.*|cni.*|flannel.*|cali.*|virbr.*|tunl.*|vxlan.*|kube-ipvs.*\"}[60s])", query.PromQL);
        Assert.EndsWith("unless on() count(container_network_receive_bytes_total{pod!=\"\"}))", query.PromQL);
    }

    [Theory]
    [InlineData(CanonicalSeries.PodDiskWriteBytesPerSecond, "container_fs_writes_bytes_total", "node_disk_written_bytes_total")]
    [InlineData(CanonicalSeries.PodNetworkTransmitBytesPerSecond, "container_network_transmit_bytes_total", "node_network_transmit_bytes_total")]
    public void OtherSeries_ReadTheirOwnCounters(string series, string cadvisor, string node)
    {
        var query = Query(series);

        Assert.Contains($"rate({cadvisor}{{", query.PromQL);
        Assert.Contains($"rate({node}{{", query.PromQL);
    }

    /// <summary>
    /// The stack runs node_exporter and no cAdvisor: every query must be valid PromQL and answer from node_exporter only
    /// (job node, one series: the host), never a cAdvisor figure.
    /// </summary>
    [Fact]
    public async Task AgainstTheStacksPrometheus_EachQueryIsValid_AndAnswersFromNodeExporterOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new PrometheusClient(PrometheusHttp.CreateClient(new PrometheusSourceOptions { Url = StackEnvironment.PrometheusUrl }));

        foreach (var query in PrometheusQueries.PodIo("60s"))
        {
            var result = await client.QueryAsync(query.PromQL, null, ct);
            Assert.All(result.Samples, s => Assert.Equal(("node_exporter", "node"), (s.Label("exporter"), s.Label("job"))));
            Assert.True(result.Samples.Count <= 1, $"{result.Samples.Count} series for {query.Series}: one host only");
        }
    }

    /// <summary>
    /// The preference itself, evaluated by the real Prometheus over counters the stack has, standing in for the
    /// exporters' (process_cpu_seconds_total for cAdvisor's, prometheus_http_requests_total for node_exporter's).
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CadvisorElseNode_EvaluatedByPrometheus_GivesOneExporterOnly(bool cadvisorPresent)
    {
        var ct = TestContext.Current.CancellationToken;
        var client = new PrometheusClient(PrometheusHttp.CreateClient(new PrometheusSourceOptions { Url = StackEnvironment.PrometheusUrl }));
        var cadvisor = cadvisorPresent ? "process_cpu_seconds_total" : "no_such_counter_total";
        var promql = PrometheusQueries.CadvisorElseNode(
            $"sum by (job, pod) (label_replace(rate({cadvisor}[60s]), \"pod\", \"$1\", \"instance\", \"(.*)\"))",
            cadvisor,
            "sum by (job, pod) (label_replace(rate(prometheus_http_requests_total[60s]), \"pod\", \"$1\", \"instance\", \"(.*)\"))");

        var result = await Eventually.UntilAsync(() => client.QueryAsync(promql, null, ct), r => r.Samples.Count > 0,
            TimeSpan.FromSeconds(30), "Prometheus to have two scrapes of its own counters", ct);

        Assert.All(result.Samples, s => Assert.Equal(cadvisorPresent ? "cadvisor" : "node_exporter", s.Label("exporter")));
        Assert.All(result.Samples, s => Assert.False(string.IsNullOrEmpty(s.Label("pod"))));
        if (cadvisorPresent)
        {
            Assert.Contains(result.Samples, s => s.Label("job") == "api"); // the Api exports process_cpu but no prometheus_http_*
        }
        else
        {
            Assert.All(result.Samples, s => Assert.Equal("prometheus", s.Label("job")));
        }
    }
}
