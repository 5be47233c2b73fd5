using System.Text.Json.Serialization;

namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>
/// What a load test does: which requests, in what mix, under which executors, judged by which thresholds,
/// and bounded in time and request count. Stored and exchanged as camelCase JSON (see <see cref="LoadJson"/>).
/// Scenarios run one after the other, in the order given.
/// </summary>
public sealed record LoadPlan
{
    public string Name { get; init; } = "";

    /// <summary>Absolute http(s) URL every request path is relative to; its host must be on the caller's allow-list.</summary>
    public string BaseUrl { get; init; } = "";

    /// <summary>The built-in x0tta6bl4 set-up (a mesh with nodes), run before the clock starts; needed when paths use {meshId} or {nodeId}.</summary>
    public MeshSetup? Setup { get; init; }

    public IReadOnlyList<LoadRequest> Requests { get; init; } = [];

    public IReadOnlyList<LoadScenario> Scenarios { get; init; } = [];

    public IReadOnlyList<LoadThreshold> Thresholds { get; init; } = [];

    /// <summary>
    /// HTTP connections the run may open (wrk's -c). Default: one per request that may be in flight, so no request
    /// waits for a connection. Fewer makes requests queue in the client: that wait counts in latency, not service time.
    /// </summary>
    public int? Connections { get; init; }

    /// <summary>A request without an answer after this long counts as an error (class "error").</summary>
    public double RequestTimeoutSeconds { get; init; } = 10;

    /// <summary>Hard bound on the run's length; a plan whose scenarios last longer is refused.</summary>
    public double MaxDurationSeconds { get; init; } = 600;

    /// <summary>Hard bound on requests sent; an open-model plan that would send more is refused, a closed model stops there.</summary>
    public long MaxRequests { get; init; } = 1_000_000;
}

/// <summary>One kind of request in the mix. Path and body may use {meshId} and {nodeId}.</summary>
public sealed record LoadRequest
{
    public string Name { get; init; } = "";

    public string Method { get; init; } = "GET";

    /// <summary>Relative to the plan's BaseUrl, e.g. "api/v1/nodes/{nodeId}/health".</summary>
    public string Path { get; init; } = "";

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>Sent as application/json unless Headers set a Content-Type.</summary>
    public string? Body { get; init; }

    /// <summary>Relative share of iterations (> 0).</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Statuses that count as success; when absent, any status below 400 (k6's default).</summary>
    public IReadOnlyList<int>? ExpectedStatuses { get; init; }
}

/// <summary>
/// One executor and its settings. Which fields apply depends on <see cref="Executor"/> (see <see cref="Executors"/>);
/// the validator names every missing or wrong one.
/// </summary>
public sealed record LoadScenario
{
    public string Name { get; init; } = "";

    public string Executor { get; init; } = "";

    /// <summary>ramping-vus: VUs at the start (then interpolated to each stage's target). Default 0.</summary>
    public int StartVus { get; init; }

    /// <summary>ramping-vus (target = VUs) and ramping-arrival-rate (target = requests per second).</summary>
    public IReadOnlyList<LoadStage>? Stages { get; init; }

    /// <summary>constant-arrival-rate: requests per second.</summary>
    public double? Rate { get; init; }

    /// <summary>constant-arrival-rate: how long.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>ramping-arrival-rate and capacity-search: the first rate.</summary>
    public double? StartRate { get; init; }

    /// <summary>capacity-search: added to the rate at each step.</summary>
    public double? StepRate { get; init; }

    /// <summary>capacity-search: how long each step lasts.</summary>
    public double? StepSeconds { get; init; }

    /// <summary>capacity-search: the last step's rate at most.</summary>
    public double? MaxRate { get; init; }

    /// <summary>capacity-search: a step meets the target when its p95 (from the intended start) is at most this.</summary>
    public double? TargetP95Ms { get; init; }

    /// <summary>capacity-search: … and its error rate (errors and dropped iterations over all iterations) at most this.</summary>
    public double? TargetErrorRate { get; init; }

    /// <summary>Open-model executors: requests in flight at most; an iteration finding no free slot is counted as dropped.</summary>
    public int MaxInFlight { get; init; } = 100;

    /// <summary>How long requests still in flight at the scenario's end are waited for before they are abandoned.</summary>
    public double GracefulStopSeconds { get; init; } = 10;
}

public sealed record LoadStage(double DurationSeconds, double Target);

/// <summary>
/// A pass/fail rule in k6's spirit: "p(95)&lt;500", "p(99)&lt;1000", "avg&lt;200", "med&lt;100", "max&lt;2000" (ms, latency
/// from the intended start), "rate&lt;0.001" (error rate). Over the whole run, or one request name's share of it.
/// In JSON a bare string is accepted for a threshold with no options.
/// </summary>
[JsonConverter(typeof(LoadThresholdConverter))]
public sealed record LoadThreshold
{
    public string Expression { get; init; } = "";

    /// <summary>Only this request name's requests; null = all.</summary>
    public string? Request { get; init; }

    /// <summary>Stop the run (status aborted-by-threshold) as soon as this threshold fails …</summary>
    public bool AbortOnFail { get; init; }

    /// <summary>… but not before this many seconds of the run, so a cold start does not abort it.</summary>
    public double DelayAbortEvalSeconds { get; init; }
}

/// <summary>The x0tta6bl4 set-up: find or create the mesh <see cref="MeshName"/> and give it at least <see cref="Nodes"/> nodes.</summary>
public sealed record MeshSetup
{
    public string MeshName { get; init; } = "load";

    public string Region { get; init; } = "local";

    public int Nodes { get; init; } = 20;
}
