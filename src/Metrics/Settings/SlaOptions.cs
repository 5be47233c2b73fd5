using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Metrics.Settings;

/// <summary>SLA targets (section "Sla"); defaults are the seed report's §6 table.</summary>
public sealed class SlaOptions
{
    public const string Section = "Sla";

    public double P95Ms { get; set; } = 200;

    public double P99Ms { get; set; } = 500;

    public double ErrorRatePercent { get; set; } = 1;

    public double ThroughputRps { get; set; } = 400;

    public double CpuMillicores { get; set; } = 500;

    public double MemoryMiB { get; set; } = 1024;

    /// <summary>Share of requests that must not fail with a 5xx.</summary>
    public double AvailabilityPercent { get; set; } = 99;

    /// <summary>Share of time (steps) whose p95 must meet <see cref="P95Ms"/>.</summary>
    public double LatencyObjectivePercent { get; set; } = 99;
}

public sealed class SlaOptionsValidator : IValidateOptions<SlaOptions>
{
    public ValidateOptionsResult Validate(string? name, SlaOptions o)
    {
        var errors = new List<string>();
        foreach (var (key, value) in new[] { ("P95Ms", o.P95Ms), ("P99Ms", o.P99Ms), ("ThroughputRps", o.ThroughputRps), ("CpuMillicores", o.CpuMillicores), ("MemoryMiB", o.MemoryMiB) })
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                errors.Add($"Sla:{key} must be a positive number (was {value}).");
            }
        }

        foreach (var (key, value) in new[] { ("ErrorRatePercent", o.ErrorRatePercent), ("AvailabilityPercent", o.AvailabilityPercent), ("LatencyObjectivePercent", o.LatencyObjectivePercent) })
        {
            if (!double.IsFinite(value) || value <= 0 || value >= 100)
            {
                errors.Add($"Sla:{key} must be between 0 and 100, exclusive (was {value}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
