using System.Text.Json;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Dashboard.Model;

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

    public double Target(string id, SlaOptions defaults) => Targets.TryGetValue(id, out var t) ? t : id switch
    {
        "p95" => defaults.P95Ms,
        "p99" => defaults.P99Ms,
        "errors" => defaults.ErrorRatePercent,
        "throughput" => defaults.ThroughputRps,
        "cpu" => defaults.CpuMillicores,
        "memory" => defaults.MemoryMiB,
        "availability" => defaults.AvailabilityPercent,
        _ => throw new ArgumentOutOfRangeException(nameof(id)),
    };

    /// <summary>Why a target value is not usable, or null when it is.</summary>
    public static string? Problem(string id, double value) =>
        !Limits.TryGetValue(id, out var l) ? $"'{id}' is not an SLA row."
        : !double.IsFinite(value) || value < l.Min || value > l.Max ? $"A {id} target must be between {l.Min} and {l.Max} {l.Unit}."
        : null;

    public static async Task<SlaSettings> LoadAsync(SqlSettingsStore store, CancellationToken ct)
    {
        var stored = await store.GetAsync(Key, ct);
        if (stored is null)
        {
            return new SlaSettings([], [], null, null);
        }

        var json = JsonSerializer.Deserialize<Stored>(stored.Value.Value) ?? new Stored([], []);
        return new SlaSettings(json.Targets, json.Baselines, stored.Value.UpdatedBy, stored.Value.UpdatedMs);
    }

    public Task SaveAsync(SqlSettingsStore store, string by, long atMs, CancellationToken ct) =>
        store.SetAsync(Key, JsonSerializer.Serialize(new Stored(Targets, Baselines)), by, atMs, ct);

    private sealed record Stored(Dictionary<string, double> Targets, Dictionary<string, MeasuredBaseline> Baselines);
}
