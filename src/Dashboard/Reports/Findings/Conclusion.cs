using X0tta6bl4.Ops.Dashboard.Reports.Sections;
using X0tta6bl4.Ops.Metrics.Analysis;

namespace X0tta6bl4.Ops.Dashboard.Reports.Findings;

/// <summary>The grade and readiness, derived from the SLA results and the findings by the rule in <see cref="Rule"/>.</summary>
public static class Conclusion
{
    public const double WarningPenalty = 5;
    public const double CriticalPenalty = 15;

    public const string Rule =
        "Readiness = objectives met ÷ objectives measured × 100, minus 5 per warning finding and 15 per critical finding, at least 0. " +
        "Grade A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, else F; \"incomplete\" when fewer than half of the SLA objectives are measured. " +
        "Objectives without data never count as met.";

    public static ConclusionResult Derive(IReadOnlyList<SlaCheck> checks, IReadOnlyList<Finding> findings)
    {
        var measured = checks.Where(c => c.Status != SlaStatus.Unknown).ToList();
        var met = measured.Count(c => c.Status == SlaStatus.Pass);
        var warnings = findings.Count(f => f.Severity == "warning");
        var critical = findings.Count(f => f.Severity == "critical");
        var reasons = new List<string>
        {
            $"{met} of {measured.Count} measured SLA objectives met ({checks.Count - measured.Count} not measured).",
        };
        reasons.AddRange(measured.Where(c => c.Status == SlaStatus.Fail).Select(c => $"{c.Objective} missed its target {c.Target}: {c.Current}."));
        if (warnings + critical > 0)
        {
            reasons.Add($"{warnings} warning and {critical} critical findings.");
        }

        if (measured.Count == 0)
        {
            return new ConclusionResult("incomplete", null, [.. reasons, "No SLA objective has data in the window."], Rule);
        }

        var readiness = Math.Max(0, met * 100.0 / measured.Count - warnings * WarningPenalty - critical * CriticalPenalty);
        var grade = measured.Count * 2 < checks.Count ? "incomplete"
            : readiness >= 90 ? "A" : readiness >= 75 ? "B" : readiness >= 60 ? "C" : readiness >= 40 ? "D" : "F";
        return new ConclusionResult(grade, readiness, reasons, Rule);
    }
}
