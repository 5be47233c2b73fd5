using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.LoadRuns;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>One objective of the SLA table as the report evaluated it.</summary>
public sealed record SlaCheck(string Id, string Objective, string Baseline, string Target, string Current, SlaStatus Status, string How);

/// <summary>§6 The seed's SLA table over the report's window, from the report's own figures, and the Capacity page's projections.</summary>
public static class SlaSection
{
    public static ReportSection Build(IReadOnlyList<ReportSection> sections, EffectiveSla effective, LoadRunRecord? capacityRun, CapacityModel capacity,
        out IReadOnlyList<SlaCheck> checks)
    {
        var sla = effective.Targets;
        Figure? Find(string id) => ReportSection.Find(sections, id);

        SlaCheck Check(string id, string objective, string target, Figure? figure, double? value, Comparison comparison, double goal, string unit, string how)
        {
            var status = value is not { } v ? SlaStatus.Unknown : Sla.Meets(v, comparison, goal) ? SlaStatus.Pass : SlaStatus.Fail;
            return new SlaCheck(id, objective, SeedTargets.BaselineText(effective.Settings, id), target, value is null ? "not measured" : ReportFormat.Value(unit, value), status,
                figure is null ? how : $"{how} (figure {figure.Id})");
        }

        var p95 = Find("api.latency.p95");
        var p99 = Find("api.latency.p99");
        var errors = Find("api.status.5xx");
        var cpu = Find("res.cpu.busiest");
        var memory = Find("res.memory.largest");
        var list = new List<SlaCheck>
        {
            Check("p95", "p95 latency", $"< {sla.P95Ms:0} ms", p95, p95?.Value * 1000, Comparison.Below, sla.P95Ms, "ms", "p95 over the whole window from bucket increases"),
            Check("p99", "p99 latency", $"< {sla.P99Ms:0} ms", p99, p99?.Value * 1000, Comparison.Below, sla.P99Ms, "ms", "p99 over the whole window from bucket increases"),
            Check("errors", "Error rate", $"< {sla.ErrorRatePercent:0.##} %", errors, errors?.Value * 100, Comparison.Below, sla.ErrorRatePercent, "percent", "5xx ÷ all requests over the window"),
            Check("throughput", "Throughput capacity", $"> {sla.ThroughputRps:0} req/s", null, capacityRun?.CapacityRps, Comparison.Above, sla.ThroughputRps, "req/s",
                capacityRun is null ? "No capacity load run yet: traffic offered is not capacity" : $"Highest sustained rate within the p95 and error targets in load run {capacityRun.Id}"),
            Check("cpu", "CPU per pod", $"< {sla.CpuMillicores:0} m", cpu, cpu?.Value, Comparison.Below, sla.CpuMillicores, "m", "The busiest pod's CPU, mean over steps"),
            Check("memory", "Memory per pod", $"< {sla.MemoryMiB:0} MiB", memory, memory?.Value / (1 << 20), Comparison.Below, sla.MemoryMiB, "MiB", "The largest pod's memory, mean over steps"),
            Check("availability", "Availability", $"> {sla.AvailabilityPercent:0.##} %", errors, errors?.Value is { } e ? (1 - e) * 100 : null, Comparison.Above, sla.AvailabilityPercent, "percent",
                "1 − 5xx ÷ all requests over the window"),
        };
        checks = list;

        var rows = list.Select(c => (IReadOnlyList<string>)[c.Objective, c.Baseline, c.Target, c.Current, Status(c.Status), c.How]).ToList();
        var projection = new List<IReadOnlyList<string>>();
        foreach (var scenario in capacity.Scenarios)
        {
            foreach (var row in scenario.Rows)
            {
                projection.Add([scenario.Name, $"{row.Month:0}", ReportFormat.Value("req/s", row.RequestsPerSecond), ReportFormat.Count(row.Pods),
                    ReportFormat.Value("m", row.CpuMillicores), ReportFormat.Value("B", row.MemoryBytes), ReportFormat.Count(row.DbConnections),
                    capacity.NotMeasured.Contains("redis") ? "not measured" : ReportFormat.Value("B", row.RedisBytes),
                    ReportFormat.Value("B", row.StorageBytes)]);
            }
        }

        return new ReportSection("sla", "SLA and projections", [],
        [
            new ReportTable("SLA", ["Objective", "Baseline", "Target", "Current", "Status", "How"], rows),
            new ReportTable("Projections (the Capacity page's, from now)", ["Scenario", "Month", "Load", "Pods", "CPU", "Memory per pod", "DB connections", "Redis", "Storage"], projection)
            {
                Empty = capacity.Missing ?? "not measured",
            },
        ]);
    }

    public static string Status(SlaStatus status) => status switch
    {
        SlaStatus.Pass => "pass",
        SlaStatus.Fail => "fail",
        _ => "not measured",
    };
}
