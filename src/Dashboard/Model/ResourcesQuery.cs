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
}

/// <summary>The Resources page: CPU and memory per pod against configurable limits, and restarts.</summary>
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
        return new ResourcesModel(pods, cpuLines, memoryLines, limits.CpuLimitMillicores, limits.MemoryLimitBytes)
        {
            CpuPartial = steps.For(perJob.Select(j => ((string?)j.Source, j.Cpu))),
            MemoryPartial = steps.For(perJob.Select(j => ((string?)j.Source, j.Memory))),
        };
    }

    private static IEnumerable<double> Values(IReadOnlyList<ChartLine> lines, string pod) =>
        lines.Where(l => l.Name == pod).SelectMany(l => l.Y).Where(v => v is not null).Select(v => v!.Value);
}
