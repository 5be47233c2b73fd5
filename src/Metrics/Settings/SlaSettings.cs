using System.Text.Json;

namespace X0tta6bl4.Ops.Metrics.Settings;

/// <summary>A baseline measured on the page ("set baseline from this window").</summary>
public sealed record MeasuredBaseline(double Value, string Display, string Note);

/// <summary>SLA targets and baselines as operators set them on the page, over the configured defaults.</summary>
public sealed record SlaSettings(Dictionary<string, double> Targets, Dictionary<string, MeasuredBaseline> Baselines, string? UpdatedBy, long? UpdatedMs)
{
    public const string Key = "sla";

    public static readonly IReadOnlyDictionary<string, (string Unit, double Min, double Max)> Limits = new Dictionary<string, (string, double, double)>
    {
        ["p95"] = ("ms", 0.001, 600_000),
        ["p99"] = ("ms", 0.001, 600_000),
        ["errors"] = ("%", 0.0001, 99.9999),
        ["throughput"] = ("req/s", 0.001, 10_000_000),
        ["cpu"] = ("m", 1, 1_000_000),
        ["memory"] = ("MiB", 1, 10_000_000),
        ["availability"] = ("%", 0.0001, 99.9999),
    };

    /// <summary>The effective targets: the operators' values over the configured ones.</summary>
    public SlaOptions Apply(SlaOptions configured) => new()
    {
        P95Ms = Targets.GetValueOrDefault("p95", configured.P95Ms),
        P99Ms = Targets.GetValueOrDefault("p99", configured.P99Ms),
        ErrorRatePercent = Targets.GetValueOrDefault("errors", configured.ErrorRatePercent),
        ThroughputRps = Targets.GetValueOrDefault("throughput", configured.ThroughputRps),
        CpuMillicores = Targets.GetValueOrDefault("cpu", configured.CpuMillicores),
        MemoryMiB = Targets.GetValueOrDefault("memory", configured.MemoryMiB),
        AvailabilityPercent = Targets.GetValueOrDefault("availability", configured.AvailabilityPercent),
        LatencyObjectivePercent = configured.LatencyObjectivePercent,
    };

    /// <summary>Why a target value is not usable, or null when it is.</summary>
    public static string? Problem(string id, double value) =>
        !Limits.TryGetValue(id, out var l) ? $"'{id}' is not an SLA row."
        : !double.IsFinite(value) || value < l.Min || value > l.Max ? $"A {id} target must be between {l.Min} and {l.Max} {l.Unit}."
        : null;

    public static SlaSettings Parse(string json, string? updatedBy, long? updatedMs)
    {
        var stored = JsonSerializer.Deserialize<Stored>(json) ?? new Stored([], []);
        return new SlaSettings(stored.Targets ?? [], stored.Baselines ?? [], updatedBy, updatedMs);
    }

    public string ToJson() => JsonSerializer.Serialize(new Stored(Targets, Baselines));

    private sealed record Stored(Dictionary<string, double> Targets, Dictionary<string, MeasuredBaseline> Baselines);
}
