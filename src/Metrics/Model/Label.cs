namespace X0tta6bl4.Ops.Metrics.Model;

/// <summary>One label pair of a series.</summary>
public readonly record struct Label(string Name, string Value);
