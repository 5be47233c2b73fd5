using System.Text.Json.Serialization;

namespace X0tta6bl4.Ops.Load.Analysis;

[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    [JsonStringEnumMemberName("better")]
    Better,

    [JsonStringEnumMemberName("worse")]
    Worse,

    [JsonStringEnumMemberName("no real change")]
    NoRealChange,
}

/// <summary>One metric of two runs: both whole-run values, the change, and whether it is real (see <see cref="RunComparison"/>).</summary>
public sealed record MetricComparison
{
    /// <summary>"p50", "p95", "p99", "errorRate", "achievedRate", "serviceTimeP95".</summary>
    public string Metric { get; init; } = "";

    public string Unit { get; init; } = "";

    public double Baseline { get; init; }

    public double Candidate { get; init; }

    public double Delta { get; init; }

    /// <summary>Δ as a percentage of the baseline; null when the baseline is 0.</summary>
    public double? DeltaPercent { get; init; }

    public Verdict Verdict { get; init; }

    /// <summary>Two-sided Mann–Whitney p over the per-second samples; null when there were too few seconds.</summary>
    public double? PValue { get; init; }

    /// <summary>Hodges–Lehmann shift (Pragmastat's Shift) of the per-second samples, candidate − baseline.</summary>
    public double? Shift { get; init; }

    /// <summary>The rule's reasoning in a sentence, for a tooltip.</summary>
    public string Reason { get; init; } = "";
}

public sealed record ComparisonReport(IReadOnlyList<MetricComparison> Metrics);

/// <summary>The verdict rule's knobs; the defaults are documented on <see cref="RunComparison"/>.</summary>
public sealed record ComparisonRules
{
    public double Alpha { get; init; } = 0.01;

    public double MinRelativeChange { get; init; } = 0.05;

    public double LatencyFloorMs { get; init; } = 1;

    public double ErrorRateFloor { get; init; } = 0.001;

    public double RateFloor { get; init; } = 1;

    /// <summary>Seconds each run needs (with requests) before the test can call anything a change.</summary>
    public int MinSeconds { get; init; } = 5;
}
