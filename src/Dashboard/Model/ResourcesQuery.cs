using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

public sealed record PodRow(
    string Job, string Pod, string Source,
    double? CpuNow, double? CpuAverage, double? CpuPeak,
    double? MemoryNow, double? MemoryAverage, double? MemoryPeak,
    int? Restarts, long? TimestampMs);

/// <summary>
/// A pod's disk and network now, in bytes per second; null where not measured. <paramref name="Exporter"/> says whose
/// figure it is: cadvisor (the pod's containers) or node_exporter (the whole node, the instance standing in for the pod).
/// </summary>
public sealed record IoRow(string Job, string Pod, string Exporter, double? DiskRead, double? DiskWrite, double? NetworkReceive, double? NetworkTransmit, long TimestampMs);

public sealed record ResourcesModel(
    IReadOnlyList<PodRow> Pods,
    IReadOnlyList<ChartLine> Cpu,
    IReadOnlyList<ChartLine> Memory,
    double CpuLimitMillicores,
    double MemoryLimitBytes)
{
    /// <summary>Each chart's points from polls with warnings, each job's lines against its own source (<see cref="PartialSteps"/>).</summary>
    public ChartPartial? CpuPartial { get; init; }

    public ChartPartial? MemoryPartial { get; init; }

    /// <summary>Disk and network per pod (the seed's §4), from the Prometheus source's cAdvisor or node_exporter series.</summary>
    public IReadOnlyList<IoRow> Io { get; init; } = [];

    /// <summary>Disk reads and writes per pod over the range, in KiB/s.</summary>
    public IReadOnlyList<ChartLine> Disk { get; init; } = [];

    /// <summary>Network received and sent per pod over the range, in KiB/s.</summary>
    public IReadOnlyList<ChartLine> Network { get; init; } = [];
}

/// <summary>The Resources page: CPU and memory per pod against configurable limits, restarts, and disk and network per pod.</summary>
public sealed class ResourcesQuery(SeriesReader reader, IOptions<ResourceOptions> options)
{
    public async Task<ResourcesModel> LoadAsync(TimeRange range, bool weekAgo, CancellationToken ct = default)
    {
        var limits = options.Value;
        // One source per job: Prometheus when it is fresh, else the direct scrape (as on the Overview).
        var jobSources = await JobSources.LoadAsync(reader, ct);
        var pods = new List<PodRow>();
        var cpuLines = new List<ChartLine>();
        var memoryLines = new List<ChartLine>();
        // Each job's own lines with its source, for the partial marks (the week-ago and limit lines have none).
        var perJob = new List<(string Source, IReadOnlyList<ChartLine> Cpu, IReadOnlyList<ChartLine> Memory)>();
        foreach (var job in jobSources.Jobs)
        {
            var source = jobSources.SourceOf(job);
            if (source is null)
            {
                continue;
            }

            var cpuSelector = SeriesSelector.Where(CanonicalSeries.PodCpuMillicores, ("job", job), ("source", source));
            var memorySelector = SeriesSelector.Where(CanonicalSeries.PodMemoryBytes, ("job", job), ("source", source));
            var cpuNow = await reader.LatestAsync(cpuSelector, ct);
            var memoryNow = await reader.LatestAsync(memorySelector, ct);
            var cpuAvg = await reader.LinesAsync(cpuSelector, range, k => k["pod"]!, ct: ct);
            var cpuMax = await reader.LinesAsync(cpuSelector, range, k => k["pod"]!, aggregation: Aggregation.Max, ct: ct);
            var memoryAvg = await reader.LinesAsync(memorySelector, range, k => k["pod"]!, ct: ct);
            var memoryMax = await reader.LinesAsync(memorySelector, range, k => k["pod"]!, aggregation: Aggregation.Max, ct: ct);
            var startTimes = await reader.LinesAsync(SeriesSelector.Where(CanonicalSeries.PodStartTimeSeconds, ("job", job), ("source", source)), range, k => k["pod"]!, aggregation: Aggregation.Min, ct: ct);
            var startTimesMax = await reader.LinesAsync(SeriesSelector.Where(CanonicalSeries.PodStartTimeSeconds, ("job", job), ("source", source)), range, k => k["pod"]!, aggregation: Aggregation.Max, ct: ct);

            var podNames = cpuNow.Select(c => c.Key["pod"]!).Concat(memoryNow.Select(m => m.Key["pod"]!)).Distinct(StringComparer.Ordinal);
            foreach (var pod in podNames)
            {
                double? Mean(IReadOnlyList<ChartLine> lines) => Values(lines, pod).DefaultIfEmpty(double.NaN).Average() is var v && double.IsNaN(v) ? null : v;
                double? Max(IReadOnlyList<ChartLine> lines) => Values(lines, pod).DefaultIfEmpty(double.NaN).Max() is var v && double.IsNaN(v) ? null : v;
                // A restart shows as a new process start time: count the distinct ones seen in the range.
                var starts = Values(startTimes, pod).Concat(Values(startTimesMax, pod)).Distinct().Count();
                var cpu = cpuNow.FirstOrDefault(c => c.Key["pod"] == pod);
                var memory = memoryNow.FirstOrDefault(c => c.Key["pod"] == pod);
                pods.Add(new PodRow(job, pod, source, cpu?.Sample.Value, Mean(cpuAvg), Max(cpuMax), memory?.Sample.Value, Mean(memoryAvg), Max(memoryMax),
                    starts == 0 ? null : starts - 1, Math.Max(cpu?.Sample.TimestampMs ?? 0, memory?.Sample.TimestampMs ?? 0)));
            }

            var cpuOfJob = cpuAvg.Select(l => l with { Name = $"{job} {l.Name}" }).ToList();
            var memoryOfJob = memoryAvg.Select(l => l with { Name = $"{job} {l.Name}", Y = l.Y.Select(v => v / (1 << 20)).ToList() }).ToList();
            cpuLines.AddRange(cpuOfJob);
            memoryLines.AddRange(memoryOfJob);
            perJob.Add((source, cpuOfJob, memoryOfJob));
            if (weekAgo)
            {
                cpuLines.AddRange((await reader.WeekAgoLinesAsync(cpuSelector, range, k => $"{job} {k["pod"]}", ct: ct)));
            }
        }

        var grid = SeriesReader.GridOf(range);
        if (cpuLines.Count > 0)
        {
            cpuLines.Add(new ChartLine("limit", grid, grid.Select(_ => (double?)limits.CpuLimitMillicores).ToList()) { Dashed = true });
            memoryLines.Add(new ChartLine("limit", grid, grid.Select(_ => (double?)(limits.MemoryLimitBytes / (1 << 20))).ToList()) { Dashed = true });
        }

        var steps = await PartialSteps.LoadAsync(reader, range, ct);
        var (io, disk, network) = await IoAsync(range, ct);
        return new ResourcesModel(pods, cpuLines, memoryLines, limits.CpuLimitMillicores, limits.MemoryLimitBytes)
        {
            CpuPartial = steps.For(perJob.Select(j => ((string?)j.Source, j.Cpu))),
            MemoryPartial = steps.For(perJob.Select(j => ((string?)j.Source, j.Memory))),
            Io = io,
            Disk = disk,
            Network = network,
        };
    }

    private static readonly (string Series, string Line)[] DiskSeries =
        [(CanonicalSeries.PodDiskReadBytesPerSecond, "read"), (CanonicalSeries.PodDiskWriteBytesPerSecond, "write")];

    private static readonly (string Series, string Line)[] NetworkSeries =
        [(CanonicalSeries.PodNetworkReceiveBytesPerSecond, "in"), (CanonicalSeries.PodNetworkTransmitBytesPerSecond, "out")];

    /// <summary>Disk and network per pod: the newest figures (of each series' newest poll) and the range's lines.</summary>
    private async Task<(IReadOnlyList<IoRow> Rows, IReadOnlyList<ChartLine> Disk, IReadOnlyList<ChartLine> Network)> IoAsync(TimeRange range, CancellationToken ct)
    {
        var newest = new List<LatestSample>();
        foreach (var (series, _) in DiskSeries.Concat(NetworkSeries))
        {
            var latest = await reader.LatestAsync(new SeriesSelector(series), ct);
            var poll = latest.Count == 0 ? 0 : latest.Max(l => l.Sample.TimestampMs);
            newest.AddRange(latest.Where(l => l.Sample.TimestampMs == poll));
        }

        var rows = newest.GroupBy(l => (Job: l.Key["job"] ?? "", Pod: l.Key["pod"] ?? "", Exporter: l.Key["exporter"] ?? ""))
            .OrderBy(g => g.Key).Select(g =>
            {
                double? Of(string series) => g.FirstOrDefault(l => l.Key.Name == series)?.Sample.Value;
                return new IoRow(g.Key.Job, g.Key.Pod, g.Key.Exporter, Of(CanonicalSeries.PodDiskReadBytesPerSecond), Of(CanonicalSeries.PodDiskWriteBytesPerSecond),
                    Of(CanonicalSeries.PodNetworkReceiveBytesPerSecond), Of(CanonicalSeries.PodNetworkTransmitBytesPerSecond), g.Max(l => l.Sample.TimestampMs));
            }).ToList();

        async Task<IReadOnlyList<ChartLine>> LinesAsync((string Series, string Line)[] of)
        {
            var lines = new List<ChartLine>();
            foreach (var (series, name) in of)
            {
                lines.AddRange(await reader.LinesAsync(new SeriesSelector(series), range, k => $"{k["job"]} {k["pod"]} {name}", v => v / 1024, ct: ct));
            }

            return lines;
        }

        return (rows, await LinesAsync(DiskSeries), await LinesAsync(NetworkSeries));
    }

    private static IEnumerable<double> Values(IReadOnlyList<ChartLine> lines, string pod) =>
        lines.Where(l => l.Name == pod).SelectMany(l => l.Y).Where(v => v is not null).Select(v => v!.Value);
}
