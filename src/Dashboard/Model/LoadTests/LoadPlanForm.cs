using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Dashboard.Model.LoadTests;

/// <summary>
/// The Load tests page's form: the fields a plan file has, for the common cases, turned into a plan with the
/// mesh API's own request mix. The plan's JSON is what runs (the page shows it and lets it be edited).
/// </summary>
public sealed class LoadPlanForm
{
    public string Name { get; set; } = "load-test";

    public string BaseUrl { get; set; } = DefaultPlans.DefaultBaseUrl;

    public string Executor { get; set; } = Executors.RampingVus;

    /// <summary>constant-arrival-rate: req/s; ramping-arrival-rate: the target of its one ramp.</summary>
    public double Rate { get; set; } = 100;

    public double StartRate { get; set; } = 50;

    public double DurationSeconds { get; set; } = 60;

    public double StepRate { get; set; } = 250;

    public double StepSeconds { get; set; } = 10;

    public double MaxRate { get; set; } = 5000;

    public int MaxInFlight { get; set; } = 256;

    /// <summary>Comma-separated, k6's syntax.</summary>
    public string Thresholds { get; set; } = "p(95)<500, p(99)<1000, rate<0.001";

    /// <summary>The plan: ramping VUs is the seed's own test; the others take their figures from the fields.</summary>
    /// <param name="targetP95Ms">A capacity search's p95 target (the SLA's).</param>
    /// <param name="targetErrorRate">… and its error-rate target (the SLA's, as a fraction).</param>
    public LoadPlan ToPlan(double targetP95Ms, double targetErrorRate)
    {
        var plan = DefaultPlans.Baseline(BaseUrl.Trim()) with
        {
            Name = Name.Trim(),
            Thresholds = Thresholds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => new LoadThreshold { Expression = t }).ToList(),
        };
        LoadScenario? scenario = Executor switch
        {
            Executors.ConstantArrivalRate => new() { Name = "constant", Executor = Executor, Rate = Rate, DurationSeconds = DurationSeconds, MaxInFlight = MaxInFlight },
            Executors.RampingArrivalRate => new() { Name = "ramp", Executor = Executor, StartRate = StartRate, Stages = [new(DurationSeconds, Rate)], MaxInFlight = MaxInFlight },
            Executors.CapacitySearch => new()
            {
                Name = "capacity", Executor = Executor, StartRate = StartRate, StepRate = StepRate, StepSeconds = StepSeconds, MaxRate = MaxRate,
                TargetP95Ms = targetP95Ms, TargetErrorRate = targetErrorRate, MaxInFlight = MaxInFlight,
            },
            Executors.RampingVus => null, // the seed's stages
            _ => new() { Name = "custom", Executor = Executor },
        };
        return scenario is null ? plan : plan with { Scenarios = [scenario] };
    }
}
