using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Tests;

public sealed class RunnerBoundsTests
{
    [Fact]
    public void LoadRunner_InvalidOptions_FailsAtConstructionListingEachProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new LoadRunner(new LoadRunnerOptions { AllowedHosts = [], GeneratorLagLimitMs = 0 }));

        Assert.Contains("AllowedHosts: at least one host is needed.", error.Message);
        Assert.Contains("GeneratorLagLimitMs: must be > 0 (was 0).", error.Message);
    }

    [Fact]
    public async Task Run_ClosedModelReachesMaxRequests_CompletesAtExactlyTheBound()
    {
        await using var target = await LoopbackTarget.StartAsync();
        var plan = Plans.OneGet(target.Url, Plans.Vus(vus: 3, seconds: 30)) with { MaxRequests = 250 };

        var run = await new LoadRunner().RunAsync(plan, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Contains("maxRequests", run.StatusReason);
        Assert.Equal(250, run.Summary.TotalRequests);
        Assert.Equal(250, target.Requests);
        Assert.True(run.Seconds.Count < 30, $"the bound should end the run early, it lasted {run.Seconds.Count} s");
    }
}
