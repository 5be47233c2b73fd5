using System.Text.Json.Serialization;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// Everything a run measured, JSON-serializable (camelCase through <see cref="LoadJson"/>) so the dashboard can
/// store and render it. Latency is measured from each request's intended start (open model: the schedule's
/// slot; closed model: the send), service time from the actual send. All times in ms, all instants UTC.
/// </summary>
public sealed record LoadRun
{
    public required LoadPlan Plan { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    public RunStatus Status { get; init; }

    /// <summary>Why the run ended as it did when that is not obvious: the failed threshold, the bound reached, the failure.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Requests the set-up step sent before the clock started (not part of any figure below).</summary>
    public long SetupRequests { get; init; }

    public IReadOnlyList<SecondSnapshot> Seconds { get; init; } = [];

    public RunSummary Summary { get; init; } = new();

    /// <summary>The same summary for each request name of the plan, in plan order.</summary>
    public IReadOnlyList<RequestSummary> Requests { get; init; } = [];

    public IReadOnlyList<ThresholdResult> Thresholds { get; init; } = [];

    /// <summary>One entry per capacity-search scenario that ran.</summary>
    public IReadOnlyList<CapacitySearchResult> CapacitySearches { get; init; } = [];

    /// <summary>k6's rule: every threshold passed (true when there are none).</summary>
    [JsonIgnore]
    public bool ThresholdsPassed => Thresholds.All(t => t.Passed);
}

[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>Cancelled by the caller; everything measured until then is kept.</summary>
    [JsonStringEnumMemberName("stopped")]
    Stopped,

    [JsonStringEnumMemberName("aborted-by-threshold")]
    AbortedByThreshold,

    /// <summary>Could not run (set-up failed, the target refused the set-up …); see StatusReason.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>Requests by status class. "error" is no HTTP answer at all: refused, reset, timed out.</summary>
public sealed record StatusCounts
{
    [JsonPropertyName("2xx")]
    public long Status2xx { get; init; }

    [JsonPropertyName("3xx")]
    public long Status3xx { get; init; }

    [JsonPropertyName("4xx")]
    public long Status4xx { get; init; }

    [JsonPropertyName("5xx")]
    public long Status5xx { get; init; }

    [JsonPropertyName("error")]
    public long Error { get; init; }

    [JsonIgnore]
    public long Total => Status2xx + Status3xx + Status4xx + Status5xx + Error;
}

/// <summary>One second of the run, by completion time of its requests (dropped and lag by their intended start).</summary>
public sealed record SecondSnapshot
{
    /// <summary>0 for the run's first second.</summary>
    public int Second { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public string Scenario { get; init; } = "";

    /// <summary>The planned rate (open model) at the end of this second; 0 for the closed model.</summary>
    public double TargetRate { get; init; }

    /// <summary>VUs running at the end of this second (closed model); 0 for the open model.</summary>
    public int Vus { get; init; }

    public StatusCounts Requests { get; init; } = new();

    /// <summary>Failed requests: no answer, or a status the request did not expect (≥ 400 by default).</summary>
    public long Errors { get; init; }

    /// <summary>Iterations due this second that found every in-flight slot taken, so were not sent.</summary>
    public long Dropped { get; init; }

    /// <summary>Requests in flight at the end of this second.</summary>
    public int InFlight { get; init; }

    /// <summary>Largest (actual send − intended start) among requests sent this second.</summary>
    public double GeneratorLagMaxMs { get; init; }

    /// <summary>Latency from the intended start, µs, HdrHistogram's compressed V2 encoding in base64 (<see cref="HistogramCodec"/>).</summary>
    public string LatencyHistogram { get; init; } = "";

    /// <summary>Service time from the actual send, µs, same encoding.</summary>
    public string ServiceTimeHistogram { get; init; } = "";

    public double P50Ms { get; init; }

    public double P95Ms { get; init; }

    public double P99Ms { get; init; }
}

public sealed record LatencyPercentiles
{
    public double P50Ms { get; init; }

    public double P75Ms { get; init; }

    public double P90Ms { get; init; }

    public double P95Ms { get; init; }

    public double P99Ms { get; init; }

    public double P999Ms { get; init; }

    public double MaxMs { get; init; }

    public double MeanMs { get; init; }
}

public sealed record RunSummary
{
    public long TotalRequests { get; init; }

    public long Errors { get; init; }

    /// <summary>Errors / total requests (0 when none were sent).</summary>
    public double ErrorRate { get; init; }

    /// <summary>Requests completed per second of the run's measured duration.</summary>
    public double AchievedRate { get; init; }

    public double DurationSeconds { get; init; }

    public StatusCounts ByStatus { get; init; } = new();

    /// <summary>From the intended start: what a user arriving on schedule waited.</summary>
    public LatencyPercentiles Latency { get; init; } = new();

    /// <summary>From the actual send: what the server took.</summary>
    public LatencyPercentiles ServiceTime { get; init; } = new();

    public long Dropped { get; init; }

    /// <summary>
    /// Requests sent but unanswered when the run stopped early (the caller, the maxDurationSeconds bound or an
    /// abortOnFail threshold): in no status or latency figure, since they were cut off, not answered. The target
    /// may or may not have received them.
    /// </summary>
    public long Interrupted { get; init; }

    /// <summary>The sentence every report shows on <see cref="Interrupted"/>; null when the stop cut nothing off.</summary>
    [JsonIgnore]
    public string? InterruptedNote => Interrupted == 0 ? null
        : $"{Interrupted} {(Interrupted == 1 ? "request was" : "requests were")} sent but still unanswered when the run stopped; they are in no count or latency figure.";

    public double GeneratorLagP99Ms { get; init; }

    public double GeneratorLagMaxMs { get; init; }

    /// <summary>The generator, not the target, limited the run: lag p99 over the limit, or dropped iterations.</summary>
    public bool GeneratorLimited { get; init; }

    public string? GeneratorLimitedReason { get; init; }
}

public sealed record RequestSummary(string Name, RunSummary Summary);

public sealed record ThresholdResult
{
    public string Expression { get; init; } = "";

    /// <summary>The request name it was limited to; null = all requests.</summary>
    public string? Request { get; init; }

    /// <summary>The measured value (ms or a rate); null when nothing was measured.</summary>
    public double? Measured { get; init; }

    public bool Passed { get; init; }

    /// <summary>This threshold's failure stopped the run.</summary>
    public bool AbortedRun { get; init; }
}

public sealed record CapacitySearchResult
{
    public string Scenario { get; init; } = "";

    public double TargetP95Ms { get; init; }

    public double TargetErrorRate { get; init; }

    public IReadOnlyList<CapacityStep> Steps { get; init; } = [];

    /// <summary>The highest step rate that met both targets; null when none did.</summary>
    public double? HighestMetRate { get; init; }

    /// <summary>Why the search stopped: a target broke (which), MaxRate reached, or the run stopped.</summary>
    public string StopReason { get; init; } = "";
}

public sealed record CapacityStep
{
    public double Rate { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    public long Requests { get; init; }

    public long Dropped { get; init; }

    public double AchievedRate { get; init; }

    public double P95Ms { get; init; }

    /// <summary>(errors + dropped) / (requests + dropped): a dropped iteration is a user not served.</summary>
    public double ErrorRate { get; init; }

    public bool Met { get; init; }
}
