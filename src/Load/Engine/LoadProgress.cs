namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>Reported once a second while a run goes on: where it is, and the second just closed.</summary>
public sealed record LoadProgress
{
    public double ElapsedSeconds { get; init; }

    public double PlannedSeconds { get; init; }

    public string Scenario { get; init; } = "";

    /// <summary>Open model: the planned rate now; closed model: requests answered in the last second.</summary>
    public double CurrentRate { get; init; }

    public int Vus { get; init; }

    public int InFlight { get; init; }

    public long Requests { get; init; }

    public long Errors { get; init; }

    public long Dropped { get; init; }

    public required SecondSnapshot Second { get; init; }
}
