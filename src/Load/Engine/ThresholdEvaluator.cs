using HdrHistogram;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>Measures a threshold's statistic on the run's (or a request name's) totals and judges it.</summary>
internal static class ThresholdEvaluator
{
    /// <summary>The statistic in ms (latency) or as a fraction (rate); null when no request was measured.</summary>
    public static double? Measure(ThresholdExpression expression, Totals totals)
    {
        if (totals.Requests == 0)
        {
            return null;
        }

        var h = totals.Latency;
        return expression.Statistic switch
        {
            "rate" => totals.ErrorRate,
            "p" => HistogramCodec.PercentileMs(h, expression.Percentile!.Value),
            "med" => HistogramCodec.PercentileMs(h, 50),
            "avg" => h.GetMean() / 1000.0,
            "min" => Min(h) / 1000.0,
            "max" => h.GetMaxValue() / 1000.0,
            _ => throw new InvalidOperationException($"Unknown statistic {expression.Statistic}."),
        };
    }

    /// <summary>Judges each threshold; one with nothing measured fails (a threshold proves nothing without data).</summary>
    public static IReadOnlyList<ThresholdResult> Evaluate(LoadPlan plan, RunRecorder recorder, string? abortedBy = null) =>
        plan.Thresholds.Select(threshold =>
        {
            var expression = ThresholdExpression.Parse(threshold.Expression);
            var measured = Measure(plan, recorder, threshold, expression);
            return new ThresholdResult
            {
                Expression = threshold.Expression,
                Request = threshold.Request,
                Measured = measured,
                Passed = measured is { } value && expression.IsMetBy(value),
                AbortedRun = abortedBy is not null && Key(threshold) == abortedBy,
            };
        }).ToList();

    /// <summary>The first abort-on-fail threshold that fails now, past its delay (its key), or null.</summary>
    public static string? FirstAbort(LoadPlan plan, RunRecorder recorder, double elapsedSeconds)
    {
        foreach (var threshold in plan.Thresholds.Where(t => t.AbortOnFail && elapsedSeconds >= t.DelayAbortEvalSeconds))
        {
            var expression = ThresholdExpression.Parse(threshold.Expression);
            if (Measure(plan, recorder, threshold, expression) is { } value && !expression.IsMetBy(value))
            {
                return Key(threshold);
            }
        }

        return null;
    }

    public static string Key(LoadThreshold threshold) => threshold.Request is null ? threshold.Expression : $"{threshold.Expression} on {threshold.Request}";

    private static double? Measure(LoadPlan plan, RunRecorder recorder, LoadThreshold threshold, ThresholdExpression expression)
    {
        int? index = threshold.Request is null ? null : plan.Requests.ToList().FindIndex(r => r.Name == threshold.Request);
        return recorder.Read(index, totals => Measure(expression, totals));
    }

    private static long Min(HistogramBase h)
    {
        foreach (var value in h.RecordedValues())
        {
            return h.LowestEquivalentValue(value.ValueIteratedTo);
        }

        return 0;
    }
}
