namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>One thing wrong with a plan: the field's JSON path (e.g. "scenarios[0].stages[1].durationSeconds") and why.</summary>
public sealed record PlanProblem(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Thrown by the runner for a plan the validator refuses; nothing has been sent.</summary>
public sealed class PlanRejectedException(IReadOnlyList<PlanProblem> problems)
    : Exception("The load plan was refused: " + string.Join("; ", problems))
{
    public IReadOnlyList<PlanProblem> Problems { get; } = problems;
}
