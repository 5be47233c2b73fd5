using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

public sealed record SlaRow(string Id, string Metric, string Baseline, string Target, SlaResult Result, string Current, string Worst, string How, long? NewestMs)
{
    /// <summary>The target as a number in the row's unit (for editing).</summary>
    public double TargetValue { get; init; }
}

public sealed record SlaModel(
    string? Job,
    IReadOnlyList<string> Jobs,
    string WindowKey,
    IReadOnlyList<SlaRow> Rows,
    ErrorBudget? Availability,
    ErrorBudget? Latency,
    IReadOnlyList<BurnRateCheck> BurnRates,
    IReadOnlyList<ChartLine> BudgetOverTime)
{
    public SlaSettings Settings { get; init; } = new([], [], null, null);

    /// <summary>The latency objective's burn rates (share of steps whose p95 missed the target), as <see cref="BurnRates"/> for availability.</summary>
    public IReadOnlyList<BurnRateCheck> LatencyBurnRates { get; init; } = [];

    /// <summary>The traffic offered over the window (mean and busiest step of the summed request rate): load, not capacity.</summary>
    public (double? Mean, double? Peak) Traffic { get; init; }
}

/// <summary>The seed's SLA table evaluated on measured data over a window, with error budgets and burn rates.</summary>
public sealed class SlaQuery(SeriesReader reader, SlaTargets slaTargets, X0tta6bl4.Ops.Metrics.LoadRuns.SqlLoadRunStore loadRuns, SloBurnRates burnRates)
{
    public static readonly IReadOnlyList<(string Key, TimeSpan Length)> Windows =
    [
        ("1h", TimeSpan.FromHours(1)), ("24h", TimeSpan.FromHours(24)), ("7d", TimeSpan.FromDays(7)), ("30d", TimeSpan.FromDays(30)),
    ];

    public async Task<SlaModel> LoadAsync(string? job, string? windowKey, CancellationToken ct = default)
    {
        // The effective targets: the operators' settings over the configured defaults.
        var (sla, settings) = await slaTargets.LoadAsync(ct);
        var jobSources = await JobSources.LoadAsync(reader, ct);
        var jobs = jobSources.Jobs;
        (job, var source) = jobSources.Choose(job);
        var window = Windows.FirstOrDefault(w => w.Key == windowKey);
        window = window.Key is null ? Windows[1] : window;
        var now = reader.Now;
        var range = TimeRange.Covering(now - window.Length, now, TimeRange.StepFor(window.Length));
        var how = SourceKinds.Describe(source);
        SeriesSelector Select(string name, params (string, string)[] labels) =>
            SeriesSelector.Where(name, [.. labels, ("job", job ?? ""), ("source", source ?? "")]);

        // Per-step readings of each objective.
        async Task<ChartLine?> One(string name, Func<double, double> scale, params (string, string)[] labels) =>
            (await reader.LinesAsync(Select(name, labels), range, _ => name, scale, ct: ct)).FirstOrDefault();
        var grid = SeriesReader.GridOf(range);
        var classes = await reader.LinesAsync(Select(CanonicalSeries.ApiRequestsPerSecond), range, k => k["class"] ?? "?", ct: ct);
        var total = SeriesReader.Sum("all", classes, grid);
        var errors = SeriesReader.Sum("5xx", classes.Where(c => c.Name == "5xx").ToList(), grid);
        var errorRate = total.Y.Select((t, i) => t is > 0 ? (errors.Y[i] ?? 0) / t * 100 : (double?)null).ToList();
        var p95 = await One(CanonicalSeries.ApiLatencySeconds, v => v * 1000, ("quantile", "0.95"));
        var p99 = await One(CanonicalSeries.ApiLatencySeconds, v => v * 1000, ("quantile", "0.99"));
        var cpu = Busiest(await reader.LinesAsync(Select(CanonicalSeries.PodCpuMillicores), range, k => k["pod"]!, aggregation: Aggregation.Max, ct: ct), grid);
        var memory = Busiest(await reader.LinesAsync(Select(CanonicalSeries.PodMemoryBytes), range, k => k["pod"]!, v => v / (1 << 20), Aggregation.Max, ct), grid);

        var stepSeconds = range.StepMs / 1000.0;
        var totalRequests = total.Y.Sum(v => (v ?? 0) * stepSeconds);
        var badRequests = errors.Y.Sum(v => (v ?? 0) * stepSeconds);
        var availability = Sla.Budget(sla.AvailabilityPercent / 100, totalRequests, badRequests, window.Length);
        var latencySteps = p95?.Y.Where(v => v is not null).Select(v => v!.Value).ToList() ?? [];
        var latency = Sla.Budget(sla.LatencyObjectivePercent / 100, latencySteps.Count, latencySteps.Count(v => v >= sla.P95Ms), window.Length);

        long? Newest(params IReadOnlyList<double?>?[] lines)
        {
            var last = lines.Where(l => l is not null).Select(l => l!.Select((v, i) => v is null ? -1 : i).DefaultIfEmpty(-1).Max()).DefaultIfEmpty(-1).Max();
            return last < 0 ? null : range.FromMs + last * range.StepMs;
        }

        SlaRow Row(string id, string metric, string target, IReadOnlyList<double?>? readings, Comparison comparison, double goal,
            Func<double, string> format, string computed)
        {
            var result = Sla.Evaluate(readings?.Where(v => v is not null).Select(v => v!.Value).ToList() ?? [], comparison, goal);
            return new SlaRow(id, metric, Baseline(id), target, result,
                result.Current is { } c ? format(c) : "no data", result.Worst is { } w ? format(w) : "—", computed, Newest(readings)) { TargetValue = goal };
        }

        var rows = new List<SlaRow>
        {
            Row("p95", "p95 latency", $"< {sla.P95Ms:0} ms", p95?.Y, Comparison.Below, sla.P95Ms, v => $"{v:0.0} ms",
                $"Mean of the per-step p95 (histogram_quantile over the collector window, {how}); worst = the highest step."),
            Row("p99", "p99 latency", $"< {sla.P99Ms:0} ms", p99?.Y, Comparison.Below, sla.P99Ms, v => $"{v:0.0} ms",
                $"Mean of the per-step p99 ({how}); worst = the highest step."),
            Row("errors", "Error rate", $"< {sla.ErrorRatePercent:0.##} %", errorRate, Comparison.Below, sla.ErrorRatePercent, v => $"{v:0.00} %",
                "Mean over steps of 5xx req/s ÷ all req/s."),
            await ThroughputCapacityRowAsync(),
            Row("cpu", "CPU per pod", $"< {sla.CpuMillicores:0} m", cpu, Comparison.Below, sla.CpuMillicores, v => $"{v:0} m",
                "Per step, the busiest pod's highest CPU; mean over steps."),
            Row("memory", "Memory per pod", $"< {sla.MemoryMiB:0} MiB", memory, Comparison.Below, sla.MemoryMiB, v => $"{v:0} MiB",
                "Per step, the largest pod's highest resident memory; mean over steps."),
        };

        var stepAvailability = total.Y.Select((t, i) => t is > 0 ? (1 - (errors.Y[i] ?? 0) / t) * 100 : (double?)null).ToList();
        var availabilityResult = availability.BadRatio is { } bad
            ? Sla.Evaluate(stepAvailability.Where(v => v is not null).Select(v => v!.Value).ToList(), Comparison.Above, sla.AvailabilityPercent) with
            {
                Current = (1 - bad) * 100,
                Status = (1 - bad) * 100 > sla.AvailabilityPercent ? SlaStatus.Pass : SlaStatus.Fail,
            }
            : new SlaResult(null, null, null, 0, SlaStatus.Unknown);
        rows.Add(new SlaRow("availability", "Availability", Baseline("availability"), $"> {sla.AvailabilityPercent:0.##} %", availabilityResult,
            availabilityResult.Current is { } a ? $"{a:0.000} %" : "no data",
            availabilityResult.Worst is { } aw ? $"{aw:0.000} %" : "—",
            "1 − 5xx requests ÷ all requests over the whole window (requests = rate × step); worst = the worst step.", Newest(total.Y)) { TargetValue = sla.AvailabilityPercent });

        // The burn-rate alert rules read the same figures (SloBurnRates), so this table and the pager agree.
        var (availabilityBurn, latencyBurn) = job is null || source is null
            ? ((IReadOnlyList<BurnRateCheck>)[], (IReadOnlyList<BurnRateCheck>)[])
            : ((await burnRates.ReadAsync(job, source, SloObjective.Availability, sla, now, ct)).Checks,
                (await burnRates.ReadAsync(job, source, SloObjective.Latency, sla, now, ct)).Checks);

        // Budget left over the window, step by step, from the requests counted so far.
        var budgetLine = new List<double?>();
        double cumulativeTotal = 0, cumulativeBad = 0;
        for (var i = 0; i < grid.Count; i++)
        {
            cumulativeTotal += (total.Y[i] ?? 0) * stepSeconds;
            cumulativeBad += (errors.Y[i] ?? 0) * stepSeconds;
            budgetLine.Add(cumulativeTotal > 0 ? Sla.Budget(sla.AvailabilityPercent / 100, cumulativeTotal, cumulativeBad, window.Length).Remaining * 100 : null);
        }

        var traffic = total.Y.Where(v => v is not null).Select(v => v!.Value).ToList();
        return new SlaModel(job, jobs, window.Key, rows, availability, latency, availabilityBurn,
            [new ChartLine("availability budget left (%)", grid, budgetLine)])
        {
            Settings = settings,
            LatencyBurnRates = latencyBurn,
            Traffic = traffic.Count == 0 ? (null, null) : (traffic.Average(), traffic.Max()),
        };

        // Throughput is a capacity: what a capacity load run sustained within the p95 and error targets, never the traffic offered.
        async Task<SlaRow> ThroughputCapacityRowAsync()
        {
            var target = $"> {sla.ThroughputRps:0} req/s";
            if (await loadRuns.NewestCapacityAsync(ct) is not { CapacityRps: { } capacity } run)
            {
                return new SlaRow("throughput", "Throughput capacity", Baseline("throughput"), target, new SlaResult(null, null, null, 0, SlaStatus.Unknown),
                    "not measured", "—", "No capacity load run yet (start one on the Load tests page): the traffic offered says nothing about capacity.", null)
                { TargetValue = sla.ThroughputRps };
            }

            var at = DateTimeOffset.FromUnixTimeMilliseconds(run.EndedMs ?? run.StartedMs);
            return new SlaRow("throughput", "Throughput capacity", Baseline("throughput"), target,
                new SlaResult(capacity, capacity, capacity > sla.ThroughputRps ? 1 : 0, 1, capacity > sla.ThroughputRps ? SlaStatus.Pass : SlaStatus.Fail),
                $"{capacity:0} req/s", "—",
                $"Measured by load run {run.Id} on {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC: the highest sustained rate whose p95 and error rate met their targets (all pods).",
                at.ToUnixTimeMilliseconds())
            { TargetValue = sla.ThroughputRps };
        }

        string Baseline(string id) => SeedTargets.BaselineText(settings, id);
    }

    private static IReadOnlyList<double?> Busiest(IReadOnlyList<ChartLine> pods, IReadOnlyList<DateTime> grid) =>
        grid.Select((_, i) => pods.Select(p => p.Y[i]).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Max() is var m && !double.IsNaN(m) ? m : (double?)null).ToList();
}
