using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Dashboard.Reports.Findings;
using X0tta6bl4.Ops.Dashboard.Reports.Sections;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Reports;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.LoadRuns;
using X0tta6bl4.Ops.Metrics.Settings;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>
/// Builds the baseline report from the store: the data sections over the window and over the comparison (the
/// previous window, the pinned baseline, or a load run), paired figure by figure; then the SLA table, the
/// findings, the recommendations and the conclusion from those figures.
/// </summary>
public sealed class ReportBuilder(
    IMetricStore store,
    SeriesReader reader,
    SlaTargets slaTargets,
    AlertRules alertRules,
    SqlAlertStore alerts,
    SqlLoadRunStore loadRuns,
    CapacityQuery capacity,
    ReportBaseline baseline,
    IOptions<ResourceOptions> resources,
    IOptions<ReportOptions> options,
    TimeProvider time)
{
    public async Task<ReportModel> BuildAsync(ReportRequest request, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var window = request.Resolve(now, out var windowProblem);
        var jobSources = await JobSources.LoadAsync(reader, ct);
        var (job, source) = jobSources.Choose(request.Job);
        var rules = await alertRules.LoadAsync(ct);

        // Lists carry each run's result without its seconds (read once for the whole report); a compared run is read whole.
        var runs = (await loadRuns.ListAsync(500, ct)).Where(r => r.SummaryJson is not null).ToList();
        var runsInWindow = runs.Where(r => r.StartedMs >= window.FromMs && r.StartedMs <= window.ToMs)
            .Select(r => (r.Id, JsonReport.Parse(r.SummaryJson!))).ToList();

        var (comparedWith, comparedWindow, compared) = await ComparisonAsync(request, window, job, source, rules, runs, ct);
        var sections = FigureComparison.CompareAll(await DataSectionsAsync(window, job, source, rules, ct), compared).ToList();
        sections = WithLoadTest(sections, window, runs);

        var effective = await slaTargets.LoadAsync(ct);
        var capacityModel = await capacity.LoadAsync(job, new CapacitySettings(), ct);
        var capacityRun = await loadRuns.NewestCapacityAsync(ct);
        var sla = SlaSection.Build(sections, effective, capacityRun, capacityModel, out var checks);
        var capacitySection = CapacitySection.Build(sections, capacityModel, capacityRun?.CapacityRps is not null);

        var partial = new ReportModel(request, job, source, window, comparedWith, comparedWindow, now, [.. sections, sla, capacitySection], [], [], new ConclusionResult("", null, [], ""));
        var findings = BottleneckRules.Evaluate(partial, options.Value, runsInWindow);
        var recommendations = Findings.Recommendations.For(findings);
        var conclusion = Conclusion.Derive(checks, findings);

        var all = new List<ReportSection>(sections) { sla, capacitySection, FindingsSection(findings), RecommendationsSection(recommendations), ConclusionSection(conclusion) };
        if (windowProblem is not null)
        {
            all[0] = all[0] with { Notes = [windowProblem, .. all[0].Notes] };
        }

        return partial with
        {
            Sections = all.OrderBy(s => s.Number).ToList(),
            Findings = findings,
            Recommendations = recommendations,
            Conclusion = conclusion,
        };
    }

    private async Task<List<ReportSection>> DataSectionsAsync(ReportWindow window, string? job, string? source, RuleSet rules, CancellationToken ct)
    {
        var context = new ReportContext(new WindowReader(store, window), job, source);
        var alertList = (await alerts.ListAsync(window.FromMs, window.ToMs, ct)).Where(a => a.StartedMs >= window.FromMs).ToList();
        return
        [
            await ApiSection.BuildAsync(context, ct),
            await DatabaseSection.BuildAsync(context, ct),
            await RedisSection.BuildAsync(context, ct),
            await ResourcesSection.BuildAsync(context, resources.Value, ct),
            await MonitoringSection.BuildAsync(context, rules, alertList, ct),
            await ReliabilitySection.BuildAsync(context, store, alertList, ct),
        ];
    }

    private async Task<(string Label, ReportWindow? Window, IReadOnlyList<Figure> Figures)> ComparisonAsync(
        ReportRequest request, ReportWindow window, string? job, string? source, RuleSet rules, IReadOnlyList<LoadRunRecord> runs, CancellationToken ct)
    {
        switch (request.Compare)
        {
            case CompareWith.Previous:
            {
                var length = window.ToMs + 1 - window.FromMs;
                var previous = new ReportWindow(window.From.AddMilliseconds(-length), window.To.AddMilliseconds(-length), window.StepMs);
                return ($"the previous {Describe(window.Length)} ({previous.Label})", previous, await FiguresOfAsync(previous));
            }

            case CompareWith.Baseline:
            {
                if (await baseline.LoadAsync(ct) is not { } pinned)
                {
                    return ("the baseline — none is pinned yet (an operator pins one from this page)", null, []);
                }

                return ($"the baseline {pinned.Window.Label}, pinned by {pinned.By}", pinned.Window, await FiguresOfAsync(pinned.Window));
            }

            case CompareWith.LoadRun:
            {
                var record = request.RunId is { } id ? runs.FirstOrDefault(r => r.Id == id) : runs.FirstOrDefault(r => r.Status is LoadRunStatus.Completed or LoadRunStatus.Stopped or LoadRunStatus.Aborted);
                if (record is null)
                {
                    return (request.RunId is { } missing ? $"load run {missing} — not found or not finished" : "a load run — none has finished yet", null, []);
                }

                var run = JsonReport.Parse((await loadRuns.GetAsync(record.Id, ct))?.ResultJson ?? record.SummaryJson!);
                return ($"load run {record.Id} '{record.Name}' ({run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC)", null, LoadRunFigures.Of(run));
            }

            default:
                return ("nothing", null, []);
        }

        async Task<IReadOnlyList<Figure>> FiguresOfAsync(ReportWindow other) =>
            (await DataSectionsAsync(other, job, source, rules, ct)).SelectMany(s => s.Figures).ToList();
    }

    /// <summary>§1's latest load test: the newest finished run that started before the window's end, with its thresholds.</summary>
    private static List<ReportSection> WithLoadTest(List<ReportSection> sections, ReportWindow window, IReadOnlyList<LoadRunRecord> runs)
    {
        var record = runs.FirstOrDefault(r => r.StartedMs <= window.ToMs);
        var summary = new List<IReadOnlyList<string>>();
        var thresholds = new List<IReadOnlyList<string>>();
        if (record is not null)
        {
            var run = JsonReport.Parse(record.SummaryJson!);
            var s = run.Summary;
            summary.Add([$"{record.Id} '{record.Name}'", run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), record.Status.ToString().ToLowerInvariant(),
                ReportFormat.Value("req/s", s.AchievedRate), ReportFormat.Value("ms", s.Latency.P95Ms), ReportFormat.Value("ms", s.Latency.P99Ms), ReportFormat.Value("ratio", s.ErrorRate),
                s.GeneratorLimited ? "yes: " + s.GeneratorLimitedReason : "no"]);
            thresholds.AddRange(run.Thresholds.Select(t => (IReadOnlyList<string>)[t.Expression + (t.Request is null ? "" : $" ({t.Request})"), t.Measured is { } m ? m.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : "no data", t.Passed ? "pass" : "fail"]));
        }

        sections[0] = sections[0] with
        {
            Tables =
            [
                .. sections[0].Tables,
                new ReportTable("Latest load test", ["Run", "Started", "Status", "Rate", "p95", "p99", "Errors", "Generator-limited"], summary) { Empty = "no load run has finished before the window's end" },
                new ReportTable("Its thresholds", ["Threshold", "Measured", "Result"], thresholds) { Empty = record is null ? "no load run" : "the run had no thresholds" },
            ],
        };
        return sections;
    }

    private static ReportSection FindingsSection(IReadOnlyList<Finding> findings) =>
        new("bottlenecks", "Bottleneck analysis", [],
            [new ReportTable("Findings", ["Rule", "Severity", "Finding", "Evidence", "Threshold"], findings.Select(f => (IReadOnlyList<string>)[f.RuleId, f.Severity, f.Title, f.Evidence, f.Threshold]).ToList())
            {
                Empty = "no rule fired (rules whose figure is not measured stay silent; see the appendix)",
            }]);

    private static ReportSection RecommendationsSection(IReadOnlyList<Recommendation> recommendations) =>
        new("recommendations", "Recommendations", [],
            [new ReportTable("Recommendations", ["Rule", "Recommendation", "Evidence"], recommendations.Select(r => (IReadOnlyList<string>)[r.RuleId, r.Text, r.Evidence]).ToList())
            {
                Empty = "none: no finding calls for one",
            }]);

    private static ReportSection ConclusionSection(ConclusionResult conclusion) =>
        new("conclusion", "Conclusion", [],
            [new ReportTable("Grade", ["Grade", "Readiness", "Why"], [[conclusion.Grade, conclusion.ReadinessPercent is { } r ? $"{r:0} %" : ReportFormat.NotMeasured, string.Join(" ", conclusion.Reasons)]])])
        {
            Notes = ["Rule: " + conclusion.Rule],
        };

    private static string Describe(TimeSpan length) =>
        length.TotalDays >= 1 && length.TotalDays == Math.Floor(length.TotalDays) ? $"{length.TotalDays:0} days"
        : length.TotalHours >= 1 ? $"{Math.Round(length.TotalHours):0} hours" : $"{Math.Round(length.TotalMinutes):0} minutes";
}
