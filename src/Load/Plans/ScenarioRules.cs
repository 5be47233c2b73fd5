namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>The per-executor rules of <see cref="PlanValidator"/>: which fields each executor needs, and which it ignores.</summary>
internal static class ScenarioRules
{
    public static void Check(LoadScenario s, string at, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(s.Name))
        {
            add($"{at}.name", "is required.");
        }

        switch (s.Executor)
        {
            case Executors.RampingVus:
                if (s.StartVus is < 0 or > PlanValidator.CeilingVus)
                {
                    add($"{at}.startVus", $"must be between 0 and {PlanValidator.CeilingVus} (was {s.StartVus}).");
                }

                Stages(s, at, PlanValidator.CeilingVus, "VUs", add);
                Unused(at, add, s.Executor, ("rate", s.Rate), ("durationSeconds", s.DurationSeconds), ("startRate", s.StartRate),
                    ("stepRate", s.StepRate), ("stepSeconds", s.StepSeconds), ("maxRate", s.MaxRate), ("targetP95Ms", s.TargetP95Ms), ("targetErrorRate", s.TargetErrorRate));
                break;
            case Executors.ConstantArrivalRate:
                Positive(at, "rate", s.Rate, PlanValidator.CeilingRate, add);
                Positive(at, "durationSeconds", s.DurationSeconds, PlanValidator.CeilingDurationSeconds, add);
                OpenModel(s, at, add);
                Unused(at, add, s.Executor, ("startRate", s.StartRate), ("stepRate", s.StepRate), ("stepSeconds", s.StepSeconds),
                    ("maxRate", s.MaxRate), ("targetP95Ms", s.TargetP95Ms), ("targetErrorRate", s.TargetErrorRate));
                break;
            case Executors.RampingArrivalRate:
                if (s.StartRate is { } startRate && startRate is not (>= 0 and <= PlanValidator.CeilingRate)) // NaN too
                {
                    add($"{at}.startRate", $"must be between 0 and {PlanValidator.CeilingRate} (was {s.StartRate}).");
                }

                Stages(s, at, PlanValidator.CeilingRate, "requests per second", add);
                if (s.Stages is { Count: > 0 } && PlanMath.RampIntegral(s.StartRate ?? 0, s.Stages) <= 0)
                {
                    add($"{at}.stages", "the rate is 0 throughout: nothing would be sent.");
                }

                OpenModel(s, at, add);
                Unused(at, add, s.Executor, ("rate", s.Rate), ("durationSeconds", s.DurationSeconds), ("stepRate", s.StepRate),
                    ("stepSeconds", s.StepSeconds), ("maxRate", s.MaxRate), ("targetP95Ms", s.TargetP95Ms), ("targetErrorRate", s.TargetErrorRate));
                break;
            case Executors.CapacitySearch:
                Positive(at, "startRate", s.StartRate, PlanValidator.CeilingRate, add);
                Positive(at, "stepRate", s.StepRate, PlanValidator.CeilingRate, add);
                Positive(at, "stepSeconds", s.StepSeconds, PlanValidator.CeilingDurationSeconds, add);
                Positive(at, "maxRate", s.MaxRate, PlanValidator.CeilingRate, add);
                if (s.MaxRate < s.StartRate)
                {
                    add($"{at}.maxRate", $"must be ≥ startRate ({s.StartRate}); was {s.MaxRate}.");
                }

                Positive(at, "targetP95Ms", s.TargetP95Ms, 3_600_000, add);
                if (s.TargetErrorRate is not (>= 0 and <= 1))
                {
                    add($"{at}.targetErrorRate", $"is required, between 0 and 1 (was {Show(s.TargetErrorRate)}).");
                }

                OpenModel(s, at, add);
                Unused(at, add, s.Executor, ("rate", s.Rate), ("durationSeconds", s.DurationSeconds));
                if (s.Stages is not null)
                {
                    add($"{at}.stages", "does not apply to capacity-search.");
                }

                break;
            default:
                add($"{at}.executor", $"'{s.Executor}' is not an executor; use one of {string.Join(", ", Executors.All)}.");
                break;
        }

        if (s.GracefulStopSeconds is < 0 or > 120)
        {
            add($"{at}.gracefulStopSeconds", $"must be between 0 and 120 (was {s.GracefulStopSeconds}).");
        }
    }

    private static void OpenModel(LoadScenario s, string at, Action<string, string> add)
    {
        if (s.MaxInFlight is < 1 or > PlanValidator.CeilingVus)
        {
            add($"{at}.maxInFlight", $"must be between 1 and {PlanValidator.CeilingVus} (was {s.MaxInFlight}).");
        }

        if (s.StartVus != 0)
        {
            add($"{at}.startVus", $"does not apply to {s.Executor}.");
        }
    }

    private static void Stages(LoadScenario s, string at, double ceiling, string unit, Action<string, string> add)
    {
        if (s.Stages is not { Count: > 0 })
        {
            add($"{at}.stages", "at least one stage is needed.");
            return;
        }

        for (var i = 0; i < s.Stages.Count; i++)
        {
            var stage = s.Stages[i];
            if (stage is null)
            {
                add($"{at}.stages[{i}]", "is null.");
                continue;
            }

            if (!(stage.DurationSeconds > 0))
            {
                // Stages are durations, each starting where the last one ended: one of 0 or less would end before it starts.
                add($"{at}.stages[{i}].durationSeconds", $"must be > 0 (was {stage.DurationSeconds}); a stage ends after the one before it.");
            }

            if (stage.Target < 0 || stage.Target > ceiling || double.IsNaN(stage.Target))
            {
                add($"{at}.stages[{i}].target", $"must be between 0 and {ceiling} {unit} (was {stage.Target}).");
            }
        }
    }

    private static void Positive(string at, string field, double? value, double ceiling, Action<string, string> add)
    {
        if (value is not > 0 || value > ceiling)
        {
            add($"{at}.{field}", $"is required, > 0 and at most {ceiling} (was {Show(value)}).");
        }
    }

    private static void Unused(string at, Action<string, string> add, string executor, params (string Field, double? Value)[] fields)
    {
        foreach (var (field, value) in fields)
        {
            if (value is not null)
            {
                add($"{at}.{field}", $"does not apply to {executor}.");
            }
        }
    }

    private static string Show(double? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing";
}
