using System.Globalization;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Load.Tests;

/// <summary>
/// Each executor against the real Api (scripts/stack), its request count checked against the Api's own counter:
/// x0tta6bl4_requests_total over the /api routes, read before and after the run. One class, so the runs take turns
/// and no other test's requests land between the two readings.
/// </summary>
public sealed class ApiStackTests
{
    private static readonly HttpClient Metrics = new() { Timeout = TimeSpan.FromSeconds(10) };

    public static TheoryData<string> ExecutorNames => [.. Executors.All];

    [Theory]
    [MemberData(nameof(ExecutorNames))]
    public async Task Run_EachExecutor_SendsWhatTheApiCounts(string executor)
    {
        var scenario = executor switch
        {
            Executors.RampingVus => new LoadScenario { Name = "vus", Executor = executor, StartVus = 2, Stages = [new(1, 4), new(1, 4)] },
            Executors.ConstantArrivalRate => new LoadScenario { Name = "rate", Executor = executor, Rate = 100, DurationSeconds = 2 },
            Executors.RampingArrivalRate => new LoadScenario { Name = "ramp", Executor = executor, StartRate = 0, Stages = [new(2, 100)] }, // 100 requests
            _ => new LoadScenario { Name = "search", Executor = executor, StartRate = 50, StepRate = 50, StepSeconds = 1, MaxRate = 150, TargetP95Ms = 2000, TargetErrorRate = 0.01 },
        };
        var plan = DefaultPlans.Baseline(StackEnvironment.ApiUrl) with
        {
            Name = "stack-" + executor,
            Setup = new MeshSetup { MeshName = "load-tests", Nodes = 5 },
            Scenarios = [scenario],
            Thresholds = [],
        };
        var before = await ApiRequestsAsync();

        var run = await new LoadRunner().RunAsync(plan, cancellationToken: TestContext.Current.CancellationToken);

        // The Api counts a request just after answering it: wait for the last few to land, then demand equality.
        var expected = run.Summary.TotalRequests + run.SetupRequests;
        var after = await Eventually.UntilAsync(ApiRequestsAsync, count => count - before >= expected, TimeSpan.FromSeconds(10),
            $"the Api to count {expected} requests", TestContext.Current.CancellationToken);
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(0, run.Summary.Dropped);
        Assert.Equal(0, run.Summary.ByStatus.Error);
        Assert.Equal(expected, after - before);
        Assert.Equal(run.Summary.TotalRequests, run.Seconds.Sum(s => s.Requests.Total));
        var planned = PlanMath.PlannedRequests(scenario);
        if (planned is { } exactly)
        {
            Assert.Equal((long)exactly, run.Summary.TotalRequests); // 200, 100, 50 + 100 + 150
        }
        else
        {
            Assert.True(run.Summary.TotalRequests > 50, $"4 VUs for 2 s sent only {run.Summary.TotalRequests}");
        }

        // The deliberate 404s and 400s of the mix are expected, so they are 4xx but not errors.
        Assert.Equal(0, run.Summary.Errors);
        if (executor == Executors.CapacitySearch)
        {
            var search = Assert.Single(run.CapacitySearches);
            Assert.Equal([50.0, 100, 150], search.Steps.Select(s => s.Rate));
            Assert.Equal(150, search.HighestMetRate);
        }
    }

    private static async Task<long> ApiRequestsAsync()
    {
        var text = await Metrics.GetStringAsync(StackEnvironment.ApiUrl.TrimEnd('/') + "/metrics", TestContext.Current.CancellationToken);
        return (long)text.Split('\n')
            .Where(line => line.StartsWith("x0tta6bl4_requests_total{", StringComparison.Ordinal) && line.Contains("endpoint=\"/api/", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }
}
