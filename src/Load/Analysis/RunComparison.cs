using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Analysis;

/// <summary>
/// Compares two runs metric by metric: p50, p95, p99 (latency from the intended start), error rate, achieved rate
/// and service-time p95. The whole-run values are shown with Δ and Δ %; the verdict is read from the per-second
/// samples (one value per second that had requests), so it weighs how consistently the runs differ, not one figure.
/// <para>The rule: a change is real — "better" or "worse" by its direction (lower latency and error rate, higher
/// rate are better) — only when both hold:</para>
/// <list type="number">
/// <item>it is significant: the two-sided Mann–Whitney U test over the per-second samples gives p &lt; Alpha
/// (0.01), with at least MinSeconds (5) seconds a side; and</item>
/// <item>it is large enough to matter: the Hodges–Lehmann shift of the per-second samples (Pragmastat's Shift, the
/// median of all pairwise differences) is at least MinRelativeChange (5 %) of the baseline's per-second median and
/// at least an absolute floor (1 ms; 0.001 of error rate; 1 req/s).</item>
/// </list>
/// <para>Otherwise "no real change": a 3 % drift that is significant over 600 seconds is noise for an operator, and
/// a 40 % jump seen in three seconds is not yet evidence.</para>
/// </summary>
public static class RunComparison
{
    public static ComparisonReport Compare(LoadRun baseline, LoadRun candidate, ComparisonRules? rules = null)
    {
        rules ??= new ComparisonRules();
        var metrics = new List<MetricComparison>
        {
            Compare("p50", "ms", baseline.Summary.Latency.P50Ms, candidate.Summary.Latency.P50Ms, Samples(baseline, s => s.P50Ms), Samples(candidate, s => s.P50Ms), true, rules.LatencyFloorMs, rules),
            Compare("p95", "ms", baseline.Summary.Latency.P95Ms, candidate.Summary.Latency.P95Ms, Samples(baseline, s => s.P95Ms), Samples(candidate, s => s.P95Ms), true, rules.LatencyFloorMs, rules),
            Compare("p99", "ms", baseline.Summary.Latency.P99Ms, candidate.Summary.Latency.P99Ms, Samples(baseline, s => s.P99Ms), Samples(candidate, s => s.P99Ms), true, rules.LatencyFloorMs, rules),
            Compare("errorRate", "ratio", baseline.Summary.ErrorRate, candidate.Summary.ErrorRate, Samples(baseline, ErrorRate), Samples(candidate, ErrorRate), true, rules.ErrorRateFloor, rules),
            Compare("achievedRate", "req/s", baseline.Summary.AchievedRate, candidate.Summary.AchievedRate, Samples(baseline, s => s.Requests.Total), Samples(candidate, s => s.Requests.Total), false, rules.RateFloor, rules),
            Compare("serviceTimeP95", "ms", baseline.Summary.ServiceTime.P95Ms, candidate.Summary.ServiceTime.P95Ms, Samples(baseline, ServiceP95), Samples(candidate, ServiceP95), true, rules.LatencyFloorMs, rules),
        };
        return new ComparisonReport(metrics);
    }

    private static MetricComparison Compare(string metric, string unit, double baseline, double candidate,
        IReadOnlyList<double> baselineSeconds, IReadOnlyList<double> candidateSeconds, bool lowerIsBetter, double floor, ComparisonRules rules)
    {
        var delta = candidate - baseline;
        var result = new MetricComparison
        {
            Metric = metric,
            Unit = unit,
            Baseline = baseline,
            Candidate = candidate,
            Delta = delta,
            DeltaPercent = baseline == 0 ? null : delta / baseline * 100,
            Verdict = Verdict.NoRealChange,
        };
        if (baselineSeconds.Count < rules.MinSeconds || candidateSeconds.Count < rules.MinSeconds)
        {
            return result with { Reason = $"too few seconds with requests to tell ({baselineSeconds.Count} and {candidateSeconds.Count}; {rules.MinSeconds} needed a side)" };
        }

        var p = MannWhitney.PValue(baselineSeconds, candidateSeconds);
        var shift = Pragmastat.Toolkit.Shift(new Pragmastat.Sample(candidateSeconds.ToArray()), new Pragmastat.Sample(baselineSeconds.ToArray())).NominalValue;
        var center = Pragmastat.Toolkit.Center(new Pragmastat.Sample(baselineSeconds.ToArray())).NominalValue;
        var minimum = Math.Max(floor, rules.MinRelativeChange * Math.Abs(center));
        result = result with { PValue = p, Shift = shift };
        if (p >= rules.Alpha)
        {
            return result with { Reason = $"not significant: Mann–Whitney p = {p:0.####} ≥ {rules.Alpha}" };
        }

        if (Math.Abs(shift) < minimum)
        {
            return result with { Reason = $"significant (p = {p:0.####}) but small: a shift of {shift:0.####} {unit} is under the {minimum:0.####} {unit} that counts" };
        }

        var better = lowerIsBetter ? shift < 0 : shift > 0;
        return result with
        {
            Verdict = better ? Verdict.Better : Verdict.Worse,
            Reason = $"shift of {shift:0.####} {unit} per second (p = {p:0.####}, at least {minimum:0.####} {unit} counts)",
        };
    }

    private static double ErrorRate(SecondSnapshot s) => (double)s.Errors / s.Requests.Total;

    private static double ServiceP95(SecondSnapshot s) => HistogramCodec.PercentileMs(HistogramCodec.Decode(s.ServiceTimeHistogram), 95);

    private static IReadOnlyList<double> Samples(LoadRun run, Func<SecondSnapshot, double> value) =>
        run.Seconds.Where(s => s.Requests.Total > 0).Select(value).ToList();
}
