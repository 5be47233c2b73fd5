using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Metrics.Catalog;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>§4 Resources: CPU and memory per pod against the configured limits; disk and network where a source has them.</summary>
public static class ResourcesSection
{
    public static async Task<ReportSection> BuildAsync(ReportContext c, ResourceOptions limits, CancellationToken ct)
    {
        var figures = new List<Figure>();
        var rows = new List<IReadOnlyList<string>>();
        if (c.Job is null)
        {
            return new ReportSection("resources", "Resources", [ReportContext.NotMeasured("res.cpu.busiest", "CPU of the busiest pod", "m", "No pods are stored.")], []);
        }

        var cpu = await c.Reader.StatAsync(c.JobSeries(CanonicalSeries.PodCpuMillicores), Combine.Max, ct);
        var memory = await c.Reader.StatAsync(c.JobSeries(CanonicalSeries.PodMemoryBytes), Combine.Max, ct);
        var how = $"({c.SourceLabel})";
        figures.Add(ReportContext.Mean("res.cpu.busiest", "CPU of the busiest pod (mean)", "m", cpu, Better.Lower,
            c.MethodOf($"{CanonicalSeries.PodCpuMillicores} {how}", "Per step the busiest pod's mean CPU; mean over steps", cpu.Samples)));
        figures.Add(ReportContext.Max("res.cpu.peak", "CPU of any pod (highest)", "m", cpu, Better.Lower,
            c.MethodOf($"{CanonicalSeries.PodCpuMillicores} {how}", "Highest stored per-poll CPU of any pod", cpu.Samples)));
        figures.Add(new Figure("res.cpu.headroom", "CPU headroom under the limit", "ratio", cpu.Max is { } peakCpu ? 1 - peakCpu / limits.CpuLimitMillicores : null,
            c.MethodOf($"{CanonicalSeries.PodCpuMillicores} {how}", $"1 − highest CPU ÷ the limit of {limits.CpuLimitMillicores:0} m (Resources:CpuLimitMillicores)", cpu.Samples)) { Better = Better.Higher });
        figures.Add(ReportContext.Mean("res.memory.largest", "Memory of the largest pod (mean)", "B", memory, Better.Lower,
            c.MethodOf($"{CanonicalSeries.PodMemoryBytes} {how}", "Per step the largest pod's mean resident memory; mean over steps", memory.Samples)));
        figures.Add(ReportContext.Max("res.memory.peak", "Memory of any pod (highest)", "B", memory, Better.Lower,
            c.MethodOf($"{CanonicalSeries.PodMemoryBytes} {how}", "Highest stored resident memory of any pod", memory.Samples)));
        figures.Add(new Figure("res.memory.headroom", "Memory headroom under the limit", "ratio", memory.Max is { } peakMemory ? 1 - peakMemory / limits.MemoryLimitBytes : null,
            c.MethodOf($"{CanonicalSeries.PodMemoryBytes} {how}", $"1 − highest memory ÷ the limit of {ReportFormat.Value("B", limits.MemoryLimitBytes)} (Resources:MemoryLimitBytes)", memory.Samples)) { Better = Better.Higher });

        var cpuPods = await c.Reader.PerSeriesAsync(c.JobSeries(CanonicalSeries.PodCpuMillicores), ct);
        var memoryPods = await c.Reader.PerSeriesAsync(c.JobSeries(CanonicalSeries.PodMemoryBytes), ct);
        var io = new Dictionary<string, IReadOnlyList<SeriesStat>>();
        foreach (var series in new[] { CanonicalSeries.PodDiskReadBytesPerSecond, CanonicalSeries.PodDiskWriteBytesPerSecond, CanonicalSeries.PodNetworkReceiveBytesPerSecond, CanonicalSeries.PodNetworkTransmitBytesPerSecond })
        {
            io[series] = await c.Reader.PerSeriesAsync(c.JobSeries(series), ct);
        }

        foreach (var pod in cpuPods.Select(p => p.Key["pod"]).Concat(memoryPods.Select(p => p.Key["pod"])).Distinct().Order(StringComparer.Ordinal))
        {
            var podCpu = cpuPods.FirstOrDefault(p => p.Key["pod"] == pod);
            var podMemory = memoryPods.FirstOrDefault(p => p.Key["pod"] == pod);
            string Io(string series) => io[series].FirstOrDefault(s => s.Key["pod"] == pod) is { } s ? ReportFormat.Value("B/s", s.Mean) : "not measured";
            rows.Add([pod ?? "?",
                ReportFormat.Value("m", podCpu?.Mean), ReportFormat.Value("m", podCpu?.Max), ReportFormat.Value("B", podMemory?.Mean), ReportFormat.Value("B", podMemory?.Max),
                Io(CanonicalSeries.PodDiskReadBytesPerSecond), Io(CanonicalSeries.PodDiskWriteBytesPerSecond), Io(CanonicalSeries.PodNetworkReceiveBytesPerSecond), Io(CanonicalSeries.PodNetworkTransmitBytesPerSecond)]);
        }

        var ioMeasured = io.Values.Any(v => v.Count > 0);
        return new ReportSection("resources", "Resources", figures,
        [
            new ReportTable($"Per pod (limits: {limits.CpuLimitMillicores:0} m CPU, {ReportFormat.Value("B", limits.MemoryLimitBytes)} memory)",
                ["Pod", "CPU mean", "CPU highest", "Memory mean", "Memory highest", "Disk read", "Disk write", "Network in", "Network out"], rows),
        ])
        {
            Notes = ioMeasured ? [] : ["Disk I/O and network: not measured — no source exposes cAdvisor (container_fs_*, container_network_*) or node_exporter (node_disk_*, node_network_*) series for these pods."],
        };
    }
}
