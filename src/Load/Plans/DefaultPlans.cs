namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>Plans that come with the tool.</summary>
public static class DefaultPlans
{
    public const string DefaultBaseUrl = "http://127.0.0.1:58080";

    /// <summary>
    /// The seed's k6 test: ramping VUs 0 → 5 over 30 s, → 10 by 90 s, held to 150 s, down to 0 at 180 s; p(95) &lt; 500 ms,
    /// p(99) &lt; 1000 ms, error rate &lt; 0.1 % — with the mesh API's own mix as src/Traffic sends it (shares in %).
    /// </summary>
    public static LoadPlan Baseline(string baseUrl = DefaultBaseUrl) => new()
    {
        Name = "x0tta6bl4-baseline",
        BaseUrl = baseUrl,
        Setup = new MeshSetup { MeshName = "load", Nodes = 20 },
        Requests = MeshApiMix,
        Scenarios =
        [
            new LoadScenario
            {
                Name = "ramp",
                Executor = Executors.RampingVus,
                Stages = [new(30, 5), new(60, 10), new(60, 10), new(30, 0)],
            },
        ],
        Thresholds = [new() { Expression = "p(95)<500" }, new() { Expression = "p(99)<1000" }, new() { Expression = "rate<0.001" }],
        MaxDurationSeconds = 600,
        MaxRequests = 1_000_000,
    };

    /// <summary>
    /// The traffic generator's mix: cached reads most, heartbeats, operators' reads, a little deliberate 4xx (which the
    /// requests expect, so they are not errors) and heal requests.
    /// </summary>
    public static IReadOnlyList<LoadRequest> MeshApiMix { get; } =
    [
        new() { Name = "topology", Path = "api/v1/meshes/{meshId}/topology", Weight = 40 },
        new() { Name = "node-health", Path = "api/v1/nodes/{nodeId}/health", Weight = 20 },
        new() { Name = "heartbeat", Method = "POST", Path = "api/v1/nodes/{nodeId}/heartbeat", Body = """{"status":"healthy","latencyMs":4}""", Weight = 12 },
        new() { Name = "heartbeat-degraded", Method = "POST", Path = "api/v1/nodes/{nodeId}/heartbeat", Body = """{"status":"degraded","latencyMs":18}""", Weight = 3 },
        new() { Name = "list-meshes", Path = "api/v1/meshes", Weight = 10 },
        new() { Name = "node", Path = "api/v1/nodes/{nodeId}", Weight = 7 },
        new() { Name = "unknown-node", Path = "api/v1/nodes/00000000-0000-0000-0000-00000000dead", Weight = 3, ExpectedStatuses = [404] },
        new() { Name = "bad-heartbeat", Method = "POST", Path = "api/v1/nodes/{nodeId}/heartbeat", Body = """{"status":"sideways"}""", Weight = 3, ExpectedStatuses = [400] },
        new() { Name = "heal", Method = "POST", Path = "api/v1/nodes/{nodeId}/heal", Body = """{"reason":"load test drill"}""", Weight = 2 },
    ];
}
