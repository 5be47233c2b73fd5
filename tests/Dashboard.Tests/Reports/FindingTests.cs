using X0tta6bl4.Ops.Dashboard.Reports;
using X0tta6bl4.Ops.Dashboard.Reports.Findings;
using X0tta6bl4.Ops.Dashboard.Reports.Sections;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests.Reports;

/// <summary>Each bottleneck rule fires on a figure past its threshold, stays silent just inside it and when the figure is missing.</summary>
public class FindingTests
{
    private static ReportModel ModelWith(params Figure[] figures)
    {
        var window = new ReportWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(1), 360_000);
        return new ReportModel(ReportRequest.Default, "api", "scrape", window, "nothing", null, DateTimeOffset.UnixEpoch,
            [new ReportSection("test", "Test", figures, [])], [], [], new ConclusionResult("", null, [], ""));
    }

    private static Figure Figure(string id, double? value) => new(id, id, "n", value, new Method("test", "test", 1, 1));

    public static TheoryData<string> RuleIds => new(BottleneckRules.Rules.Select(r => r.Id));

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Rule_PastItsThreshold_Fires_InsideIt_IsSilent_Missing_IsSilent(string ruleId)
    {
        var options = new ReportOptions();
        var rule = BottleneckRules.Rules.Single(r => r.Id == ruleId);
        var threshold = rule.Threshold(options);
        var step = Math.Max(Math.Abs(threshold) * 0.01, 0.001);
        var past = rule.FiresAbove ? threshold + step : threshold - step;
        var inside = rule.FiresAbove ? threshold : threshold + step;

        var fired = Assert.Single(BottleneckRules.Evaluate(ModelWith(Figure(rule.FigureId, past)), options, []));
        Assert.Equal(ruleId, fired.RuleId);
        Assert.Equal(rule.FigureId, fired.FigureId);
        Assert.Single(Recommendations.For([fired]), r => r.RuleId == ruleId && r.Evidence.Contains(fired.Evidence, StringComparison.Ordinal));
        Assert.Empty(BottleneckRules.Evaluate(ModelWith(Figure(rule.FigureId, inside)), options, []));
        Assert.Empty(BottleneckRules.Evaluate(ModelWith(Figure(rule.FigureId, null)), options, []));
    }

    [Fact]
    public void GeneratorLimitedRun_InTheWindow_IsAFindingWithItsReason()
    {
        var plan = DefaultPlans.Baseline("http://127.0.0.1:1");
        var limited = new LoadRun { Plan = plan, Summary = new RunSummary { GeneratorLimited = true, GeneratorLimitedReason = "lag p99 80 ms", Dropped = 12 } };
        var fine = new LoadRun { Plan = plan, Summary = new RunSummary() };

        var findings = BottleneckRules.Evaluate(ModelWith(), new ReportOptions(), [(7, limited), (8, fine)]);

        var finding = Assert.Single(findings);
        Assert.Equal(BottleneckRules.GeneratorLimitedRule, finding.RuleId);
        Assert.Contains("Load run 7", finding.Evidence);
        Assert.Contains("lag p99 80 ms", finding.Evidence);
        Assert.Single(Recommendations.For(findings));
    }

    [Fact]
    public void Conclusion_FivePassedOneFailedOneUnknownAndAWarning_IsWorkedOutByTheRule()
    {
        SlaCheck Check(string id, SlaStatus status) => new(id, id, "", "", "", status, "");
        var checks = new[]
        {
            Check("a", SlaStatus.Pass), Check("b", SlaStatus.Pass), Check("c", SlaStatus.Pass), Check("d", SlaStatus.Pass), Check("e", SlaStatus.Pass),
            Check("f", SlaStatus.Fail), Check("g", SlaStatus.Unknown),
        };
        var warning = new Finding("pool-use", "warning", "", "", "", "");

        var result = Conclusion.Derive(checks, [warning]);

        // 5 of 6 measured = 83.3 %, less 5 for the warning = 78.3 → B.
        Assert.Equal(100.0 * 5 / 6 - 5, result.ReadinessPercent!.Value, 9);
        Assert.Equal("B", result.Grade);
        Assert.Equal("A", Conclusion.Derive(checks.Take(5).ToArray(), []).Grade);
        Assert.Equal("incomplete", Conclusion.Derive([Check("a", SlaStatus.Pass), Check("b", SlaStatus.Unknown), Check("c", SlaStatus.Unknown)], []).Grade);
    }

    [Fact]
    public void Outages_FromMinimaPerStep_GiveMttrAndMttf()
    {
        // up, up, down, down, up, down, up at 60 s steps: two outages of 120 s and 60 s.
        var samples = new[] { 1.0, 1, 0, 0, 1, 0, 1 }.Select((v, i) => new Sample(i * 60_000L, v)).ToList();

        var summary = Outages.From(samples, 60_000);

        Assert.Equal(2, summary.Outages);
        Assert.Equal(180, summary.DowntimeSeconds);
        Assert.Equal(90, summary.MttrSeconds);
        Assert.Equal((420 - 180) / 2.0, summary.MttfSeconds);
        Assert.Equal(1 - 180 / 420.0, summary.Availability!.Value, 9);
        Assert.Null(Outages.From([new Sample(0, 1)], 60_000).MttrSeconds);
    }

    [Fact]
    public void Comparison_NoiseIsNotAChange_AndAShiftIs()
    {
        var noisy = Enumerable.Range(0, 40).Select(i => 100 + (i % 5)).Select(v => (double)v).ToList();
        var same = Enumerable.Range(0, 40).Select(i => 100 + ((i + 2) % 5)).Select(v => (double)v).ToList();
        var higher = noisy.Select(v => v * 1.2).ToList();
        Figure Of(IReadOnlyList<double> steps) => new Figure("x", "x", "s", steps.Average(), new Method("", "", 1, 1)) { Better = Better.Lower, Steps = steps };

        Assert.Equal(Verdict.NoRealChange, FigureComparison.Compare(Of(same), Of(noisy)).Verdict);
        var worse = FigureComparison.Compare(Of(higher), Of(noisy));
        Assert.Equal(Verdict.Worse, worse.Verdict);
        Assert.True(worse.PValue < 0.01);
        Assert.Equal(Verdict.Better, FigureComparison.Compare(Of(noisy), Of(higher)).Verdict);
        // Without per-step readings only a 10 % move counts.
        Assert.Equal(Verdict.NoRealChange, FigureComparison.Compare(Figure("x", 105) with { Better = Better.Lower }, Figure("x", 100)).Verdict);
        Assert.Equal(Verdict.Worse, FigureComparison.Compare(Figure("x", 111) with { Better = Better.Lower }, Figure("x", 100)).Verdict);
    }

    [Fact]
    public void Request_BadValues_AreRefusedOneByOne()
    {
        ReportRequest.Parse(null, "2w", null, null, "yesterday", "x", out var problems);

        Assert.Equal(3, problems.Count); // the window, the comparison and the run id, each with its own reason
        var request = ReportRequest.Parse("api", "custom", "2026-11-26T00:00:00Z", "2026-11-25T00:00:00Z", "load", "7", out problems);
        Assert.Empty(problems);
        Assert.Equal(7, request.RunId);
        request.Resolve(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), out var problem);
        Assert.Contains("'from' before 'to'", problem);
        Assert.Equal("window=custom&from=2026-11-26T00%3A00%3A00Z&to=2026-11-25T00%3A00%3A00Z&compare=load&run=7&job=api", request.ToQuery());
    }
}
