namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>How the runner itself behaves (not what it sends: that is the plan).</summary>
public sealed record LoadRunnerOptions
{
    /// <summary>Hosts a plan's BaseUrl may name; anything else is refused before a byte is sent.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = Plans.PlanValidator.LoopbackHosts;

    /// <summary>
    /// A run whose generator lag p99 exceeds this is flagged generator-limited. 10 ms: ten times the pacing
    /// loop's own ~1 ms worst case, so it flags a starved generator, not the timer's grain.
    /// </summary>
    public double GeneratorLagLimitMs { get; init; } = 10;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (AllowedHosts.Count == 0)
        {
            problems.Add("AllowedHosts: at least one host is needed.");
        }

        if (!(GeneratorLagLimitMs > 0))
        {
            problems.Add($"GeneratorLagLimitMs: must be > 0 (was {GeneratorLagLimitMs}).");
        }

        return problems;
    }
}
