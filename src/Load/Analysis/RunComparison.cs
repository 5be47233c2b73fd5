using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Analysis;

/// <summary>Compares two runs metric by metric (the rule is in the next commit).</summary>
public static class RunComparison
{
    public static ComparisonReport Compare(LoadRun baseline, LoadRun candidate, ComparisonRules? rules = null) =>
        throw new NotImplementedException();
}
