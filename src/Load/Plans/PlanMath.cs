namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>Durations and planned request counts of scenarios, shared by the validator and the engine.</summary>
internal static class PlanMath
{
    /// <summary>The scenario's scheduled length in seconds (graceful stop not included); 0 when it cannot be known.</summary>
    public static double Seconds(LoadScenario s) => s.Executor switch
    {
        Executors.RampingVus or Executors.RampingArrivalRate => s.Stages?.Sum(stage => Math.Max(0, stage?.DurationSeconds ?? 0)) ?? 0,
        Executors.ConstantArrivalRate => Math.Max(0, s.DurationSeconds ?? 0),
        Executors.CapacitySearch => CapacityRates(s).Count * Math.Max(0, s.StepSeconds ?? 0),
        _ => 0,
    };

    /// <summary>Iterations an open-model scenario schedules; null for the closed model (it depends on the answers).</summary>
    public static double? PlannedRequests(LoadScenario s) => s.Executor switch
    {
        Executors.ConstantArrivalRate => (s.Rate ?? 0) * (s.DurationSeconds ?? 0),
        Executors.RampingArrivalRate => RampIntegral(s.StartRate ?? 0, s.Stages ?? []),
        Executors.CapacitySearch => CapacityRates(s).Sum(rate => rate * (s.StepSeconds ?? 0)),
        _ => null,
    };

    /// <summary>The step rates of a capacity search: StartRate, + StepRate, … up to MaxRate.</summary>
    public static IReadOnlyList<double> CapacityRates(LoadScenario s)
    {
        if (s.StartRate is not > 0 || s.StepRate is not > 0 || s.MaxRate is not { } max || max < s.StartRate)
        {
            return [];
        }

        // The small epsilon keeps a MaxRate that is exactly a step (e.g. 100 + 9 × 100 = 1000) from being lost to rounding.
        // Counted in doubles: infinite or huge rates (refused by the validator, but asked about first) must not overflow an int.
        var steps = Math.Floor((max - s.StartRate.Value) / s.StepRate.Value + 1e-9) + 1;
        if (!double.IsFinite(steps))
        {
            return [];
        }

        return Enumerable.Range(0, (int)Math.Min(steps, 10_000)).Select(i => s.StartRate.Value + i * s.StepRate.Value).ToList();
    }

    /// <summary>The area under a piecewise-linear curve starting at <paramref name="start"/>: requests for rates, VU-seconds for VUs.</summary>
    public static double RampIntegral(double start, IReadOnlyList<LoadStage> stages)
    {
        var total = 0.0;
        var from = start;
        foreach (var stage in stages.Where(stage => stage is not null)) // a null stage is the validator's to report
        {
            total += (from + stage.Target) / 2 * Math.Max(0, stage.DurationSeconds);
            from = stage.Target;
        }

        return total;
    }

    /// <summary>The value of a piecewise-linear curve at t seconds into it (the last target after its end).</summary>
    public static double Interpolate(double start, IReadOnlyList<LoadStage> stages, double t)
    {
        var from = start;
        foreach (var stage in stages)
        {
            if (t < stage.DurationSeconds)
            {
                return from + (stage.Target - from) * (t / stage.DurationSeconds);
            }

            t -= stage.DurationSeconds;
            from = stage.Target;
        }

        return from;
    }
}
