namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>The executor names a scenario may use (k6's names where k6 has one).</summary>
public static class Executors
{
    /// <summary>Closed model: each VU sends its next request as soon as the last one is answered.</summary>
    public const string RampingVus = "ramping-vus";

    /// <summary>Open model: a fixed rate, whatever the answers do.</summary>
    public const string ConstantArrivalRate = "constant-arrival-rate";

    /// <summary>Open model: the rate interpolated linearly through stages.</summary>
    public const string RampingArrivalRate = "ramping-arrival-rate";

    /// <summary>Open model: steps the rate up until the p95 or error-rate target breaks.</summary>
    public const string CapacitySearch = "capacity-search";

    public static readonly IReadOnlyList<string> All = [RampingVus, ConstantArrivalRate, RampingArrivalRate, CapacitySearch];

    public static bool IsOpenModel(string executor) => executor is ConstantArrivalRate or RampingArrivalRate or CapacitySearch;
}
