using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using X0tta6bl4.Ops.Load;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Load.Reports;

namespace X0tta6bl4.Ops.Load.Tests;

/// <summary>The built CLI run as a process, as a CI job would run it: exit codes, refusals, exports.</summary>
public sealed class CliTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("x0-load-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Run_ThresholdFails_Exits99AndWritesTheReports()
    {
        await using var target = await LoopbackTarget.StartAsync();
        var plan = Plans.OneGet(target.Url, Plans.Constant(rate: 20, seconds: 1)) with
        {
            Thresholds = [new LoadThreshold { Expression = "p(95)<0.001" }, new LoadThreshold { Expression = "rate<0.5" }],
        };

        var (exit, output, _) = await RunCliAsync(plan, "--out", Out("run.json"), "--markdown", Out("run.md"), "--html", Out("run.html"));

        Assert.Equal(99, exit);
        Assert.Contains("threshold   FAIL  p(95)<0.001", output);
        Assert.Contains("threshold   PASS  rate<0.5", output);
        var run = JsonReport.Parse(await File.ReadAllTextAsync(Out("run.json"), TestContext.Current.CancellationToken));
        Assert.Equal(20, run.Summary.TotalRequests);
        Assert.Equal([false, true], run.Thresholds.Select(t => t.Passed));
        Assert.Contains("| `p(95)<0.001` | all |", await File.ReadAllTextAsync(Out("run.md"), TestContext.Current.CancellationToken));
        var html = await File.ReadAllTextAsync(Out("run.html"), TestContext.Current.CancellationToken);
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=\"http", html);
    }

    [Fact]
    public async Task Run_EveryThresholdPasses_Exits0()
    {
        await using var target = await LoopbackTarget.StartAsync();
        var plan = Plans.OneGet(target.Url, Plans.Constant(rate: 20, seconds: 1)) with { Thresholds = [new LoadThreshold { Expression = "p(99)<5000" }] };

        var (exit, output, _) = await RunCliAsync(plan);

        Assert.Equal(0, exit);
        Assert.Contains("requests    20 ", output);
    }

    [Fact]
    public async Task Run_BadPlan_Exits2ListingEveryProblem()
    {
        var plan = Plans.OneGet("http://127.0.0.1:1/", Plans.Constant(rate: -1, seconds: 0)) with { MaxRequests = 0 };

        var (exit, _, error) = await RunCliAsync(plan);

        Assert.Equal(2, exit);
        Assert.Contains("(3 problems); nothing was sent", error);
        Assert.Contains("scenarios[0].rate:", error);
        Assert.Contains("scenarios[0].durationSeconds:", error);
        Assert.Contains("maxRequests:", error);
    }

    [Fact]
    public async Task Run_TargetOutsideTheAllowList_Exits2AndSendsNothing_UnlessTheHostIsAllowed()
    {
        await using var target = await LoopbackTarget.StartAsync(address: "127.0.0.2");
        var plan = Plans.OneGet(target.Url, Plans.Constant(rate: 10, seconds: 1));

        var (refused, _, error) = await RunCliAsync(plan);
        Assert.Equal(2, refused);
        Assert.Contains("baseUrl: the host '127.0.0.2' is not on the allow-list", error);
        Assert.Equal(0, target.Requests);

        var (allowed, _, _) = await RunCliAsync(plan, "--allow-host", "127.0.0.2");
        Assert.Equal(0, allowed);
        Assert.Equal(10, target.Requests);
    }

    [Fact]
    public async Task Run_BaseUrlArgument_OverridesThePlans()
    {
        await using var target = await LoopbackTarget.StartAsync();
        var plan = Plans.OneGet("http://127.0.0.1:1/", Plans.Constant(rate: 10, seconds: 1));

        var (exit, _, _) = await RunCliAsync(plan, "--base-url", target.Url);

        Assert.Equal(0, exit);
        Assert.Equal(10, target.Requests);
    }

    [Fact]
    public async Task DefaultPlan_PrintsTheBaselineAsJson()
    {
        var (exit, output, _) = await RunAsync("default-plan");

        Assert.Equal(0, exit);
        var plan = JsonSerializer.Deserialize<LoadPlan>(output, LoadJson.Options)!;
        Assert.Equal(DefaultPlans.Baseline().Name, plan.Name);
        Assert.Equal(DefaultPlans.MeshApiMix.Select(r => r.Path), plan.Requests.Select(r => r.Path));
        Assert.Empty(PlanValidator.Validate(plan, PlanValidator.LoopbackHosts));
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("run")]
    [InlineData("run", "plan.json", "--out")]
    public async Task BadArguments_Exit2WithUsage(params string[] args)
    {
        var (exit, _, error) = await RunAsync(args);

        Assert.Equal(2, exit);
        Assert.Contains("usage: load run", error);
    }

    [Fact]
    public async Task Run_TargetAnswers500_Exits99OnTheErrorRate()
    {
        await using var target = await LoopbackTarget.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var plan = Plans.OneGet(target.Url, Plans.Constant(rate: 10, seconds: 1)) with { Thresholds = [new LoadThreshold { Expression = "rate<0.001" }] };

        var (exit, output, _) = await RunCliAsync(plan);

        Assert.Equal(99, exit);
        Assert.Contains("5xx 10", output);
    }

    [Fact]
    public async Task Run_SetupRefusedByTheTarget_Exits1SayingWhy()
    {
        await using var target = await LoopbackTarget.StartAsync(context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        var plan = Plans.OneGet(target.Url, Plans.Constant(rate: 10, seconds: 1), path: "api/v1/nodes/{nodeId}") with { Setup = new MeshSetup { Nodes = 2 } };

        var (exit, output, _) = await RunCliAsync(plan);

        Assert.Equal(1, exit);
        Assert.Contains("status      failed — set-up failed: Set-up: GET api/v1/meshes answered 500", output);
        Assert.Equal(1, target.Requests); // the set-up's first request, and nothing after it
    }

    private string Out(string name) => Path.Combine(_dir.FullName, name);

    private async Task<(int Exit, string Output, string Error)> RunCliAsync(LoadPlan plan, params string[] more)
    {
        var path = Out($"plan-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(plan, LoadJson.Options), TestContext.Current.CancellationToken);
        return await RunAsync(["run", path, .. more]);
    }

    /// <summary>The CLI built beside the tests (the project reference copies it here), run with dotnet as `dotnet run` would.</summary>
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "X0tta6bl4.Ops.Load.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"load {string.Join(' ', args)} did not exit within 60 s: {await output}{await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
