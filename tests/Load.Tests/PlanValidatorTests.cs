using System.Text.Json;
using X0tta6bl4.Ops.Load;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Tests;

public sealed class PlanValidatorTests
{
    private static readonly IReadOnlyList<string> Loopback = PlanValidator.LoopbackHosts;

    [Fact]
    public void Validate_DefaultPlan_HasNoProblems()
    {
        Assert.Empty(PlanValidator.Validate(DefaultPlans.Baseline(), Loopback));
    }

    [Fact]
    public void DefaultPlan_IsTheSeedsK6Ramp()
    {
        var scenario = Assert.Single(DefaultPlans.Baseline().Scenarios);
        Assert.Equal(Executors.RampingVus, scenario.Executor);
        Assert.Equal([new LoadStage(30, 5), new LoadStage(60, 10), new LoadStage(60, 10), new LoadStage(30, 0)], scenario.Stages);
        Assert.Equal(["p(95)<500", "p(99)<1000", "rate<0.001"], DefaultPlans.Baseline().Thresholds.Select(t => t.Expression));
        Assert.Equal(180, PlanMath.Seconds(scenario));
    }

    [Fact]
    public void Validate_PlanWithManyFaults_ListsEachFieldOnce()
    {
        var plan = new LoadPlan
        {
            Name = "bad",
            BaseUrl = "http://127.0.0.1:1",
            Requests =
            [
                new LoadRequest { Name = "no-path", Path = "" },
                new LoadRequest { Name = "zero-weight", Path = "x", Weight = 0 },
            ],
            Scenarios =
            [
                new LoadScenario { Name = "a", Executor = "soak-forever" },
                new LoadScenario { Name = "b", Executor = Executors.ConstantArrivalRate, Rate = 0, DurationSeconds = -1 },
                new LoadScenario { Name = "c", Executor = Executors.RampingVus, Stages = [] },
                new LoadScenario { Name = "d", Executor = Executors.RampingArrivalRate, StartRate = 1, Stages = [new(5, 10), new(0, 5)] },
                new LoadScenario { Name = "e", Executor = Executors.CapacitySearch, StartRate = 100, StepRate = 0, StepSeconds = 5, MaxRate = 50, TargetP95Ms = 200 },
            ],
            Thresholds = [new LoadThreshold { Expression = "p95 < 500" }, new LoadThreshold { Expression = "rate<0.01", Request = "nope" }],
            MaxDurationSeconds = 0,
            MaxRequests = -5,
        };

        var fields = PlanValidator.Validate(plan, Loopback).Select(p => p.Field).ToList();

        Assert.Equal(
            new[]
            {
                "requests[0].path", "requests[1].weight",
                "scenarios[0].executor",
                "scenarios[1].rate", "scenarios[1].durationSeconds",
                "scenarios[2].stages",
                "scenarios[3].stages[1].durationSeconds",
                "scenarios[4].stepRate", "scenarios[4].maxRate", "scenarios[4].targetErrorRate",
                "thresholds[0].expression", "thresholds[1].request",
                "maxDurationSeconds", "maxRequests",
            }.Order(),
            fields.Order());
    }

    [Theory]
    [InlineData("http://10.0.0.5:8080", "10.0.0.5")]
    [InlineData("http://api.example.com", "api.example.com")]
    [InlineData("http://127.0.0.2:58080", "127.0.0.2")]
    public void Validate_HostOutsideAllowList_IsRefusedNamingHostAndList(string baseUrl, string host)
    {
        var plan = DefaultPlans.Baseline(baseUrl);

        var problem = Assert.Single(PlanValidator.Validate(plan, Loopback));

        Assert.Equal("baseUrl", problem.Field);
        Assert.Contains($"'{host}' is not on the allow-list (127.0.0.1, localhost, ::1)", problem.Message);
    }

    [Theory]
    [InlineData("http://[::1]:58080")]
    [InlineData("http://LOCALHOST:58080")]
    public void Validate_LoopbackSpellings_AreAllowed(string baseUrl)
    {
        Assert.Empty(PlanValidator.Validate(DefaultPlans.Baseline(baseUrl), Loopback));
    }

    [Fact]
    public void Validate_HostTheCallerAdds_IsAllowed()
    {
        Assert.Empty(PlanValidator.Validate(DefaultPlans.Baseline("http://api.test:8080"), [.. Loopback, "api.test"]));
    }

    [Theory]
    [InlineData("http://elsewhere.example/x")]
    [InlineData("//elsewhere.example/x")]
    public void Validate_AbsoluteRequestPath_IsRefused(string path)
    {
        var plan = Simple() with { Requests = [new LoadRequest { Name = "escape", Path = path }] };

        Assert.Contains(PlanValidator.Validate(plan, Loopback), p => p.Field == "requests[0].path" && p.Message.Contains("relative"));
    }

    [Fact]
    public void Validate_PlaceholderWithoutSetup_IsRefused()
    {
        var plan = Simple() with { Requests = [new LoadRequest { Name = "n", Path = "api/v1/nodes/{nodeId}", Body = "{\"x\":\"{zone}\"}" }] };

        var problems = PlanValidator.Validate(plan, Loopback);

        Assert.Contains(problems, p => p.Field == "requests[0].path" && p.Message.Contains("needs a setup"));
        Assert.Contains(problems, p => p.Field == "requests[0].body" && p.Message.Contains("unknown placeholder {zone}"));
    }

    [Fact]
    public void Validate_ScenariosLongerThanTheBound_AreRefused()
    {
        var plan = Simple() with { MaxDurationSeconds = 60 };

        Assert.Contains(PlanValidator.Validate(plan, Loopback), p => p.Field == "maxDurationSeconds" && p.Message.Contains("last 120 s"));
    }

    [Fact]
    public void Validate_OpenModelOverTheRequestBound_IsRefused()
    {
        var plan = Simple() with { MaxRequests = 1000 }; // 100 req/s × 120 s = 12,000

        Assert.Contains(PlanValidator.Validate(plan, Loopback), p => p.Field == "maxRequests" && p.Message.Contains("12000"));
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_RampStartRateNotANumberInRange_IsRefused(double startRate)
    {
        // Found by the load-plan fuzz test: NaN slipped past "< 0 or > ceiling" and the plan's request count was NaN.
        var plan = Simple() with { Scenarios = [new LoadScenario { Name = "r", Executor = Executors.RampingArrivalRate, StartRate = startRate, Stages = [new(10, 5)], MaxInFlight = 10 }] };

        Assert.Contains(PlanValidator.Validate(plan, Loopback), p => p.Field == "scenarios[0].startRate");
    }

    [Fact]
    public void Validate_CapacitySearchWithMoreStepsThanAnIntHolds_IsRefusedNotACrash()
    {
        var plan = Simple() with
        {
            Scenarios = [new LoadScenario
            {
                // 1e303 steps: more than an int holds (the step count overflowed and Enumerable.Range threw).
                Name = "c", Executor = Executors.CapacitySearch, StartRate = 1, StepRate = 1e-300, StepSeconds = 1,
                MaxRate = 1000, TargetP95Ms = 100, TargetErrorRate = 0.01, MaxInFlight = 10,
            }],
        };

        Assert.NotEmpty(PlanValidator.Validate(plan, Loopback));
    }

    [Fact]
    public void Validate_FieldOfAnotherExecutor_IsRefused()
    {
        var plan = Simple() with { Scenarios = [new LoadScenario { Name = "v", Executor = Executors.RampingVus, Stages = [new(1, 1)], Rate = 5 }] };

        Assert.Contains(PlanValidator.Validate(plan, Loopback), p => p.Field == "scenarios[0].rate" && p.Message.Contains("does not apply"));
    }

    [Fact]
    public void Json_PlanRoundTrips_AndAcceptsBareStringThresholds()
    {
        const string json = """
            { "name": "p", "baseUrl": "http://127.0.0.1:1", "requests": [ { "name": "r", "path": "x" } ],
              "scenarios": [ { "name": "s", "executor": "constant-arrival-rate", "rate": 5, "durationSeconds": 2 } ],
              "thresholds": [ "p(95)<500", { "expression": "rate<0.01", "abortOnFail": true, "delayAbortEvalSeconds": 3 } ] }
            """;

        var plan = JsonSerializer.Deserialize<LoadPlan>(json, LoadJson.Options)!;
        var again = JsonSerializer.Deserialize<LoadPlan>(JsonSerializer.Serialize(plan, LoadJson.Options), LoadJson.Options)!;

        Assert.Equal(["p(95)<500", "rate<0.01"], again.Thresholds.Select(t => t.Expression));
        Assert.True(again.Thresholds[1].AbortOnFail);
        Assert.Equal(3, again.Thresholds[1].DelayAbortEvalSeconds);
        Assert.Empty(PlanValidator.Validate(again, Loopback));
        Assert.Contains("\"executor\": \"constant-arrival-rate\"", JsonSerializer.Serialize(plan, LoadJson.Options));
    }

    private static LoadPlan Simple() => new()
    {
        Name = "simple",
        BaseUrl = "http://127.0.0.1:1",
        Requests = [new LoadRequest { Name = "r", Path = "x" }],
        Scenarios = [new LoadScenario { Name = "s", Executor = Executors.ConstantArrivalRate, Rate = 100, DurationSeconds = 120 }],
    };
}

public sealed class PlanJsonNullTests
{
    [Fact]
    public void Validate_NullListsAndEntries_AreProblemsNotCrashes()
    {
        const string json = """
            { "name": "n", "baseUrl": "http://127.0.0.1:1", "requests": null, "scenarios": [ null ], "thresholds": [] }
            """;
        var plan = System.Text.Json.JsonSerializer.Deserialize<LoadPlan>(json, LoadJson.Options)!;

        Assert.Equal(["requests", "scenarios"], PlanValidator.Validate(plan, PlanValidator.LoopbackHosts).Select(p => p.Field));
    }

    [Fact]
    public void Validate_NullStage_IsNamed()
    {
        const string json = """
            { "name": "n", "baseUrl": "http://127.0.0.1:1", "requests": [ { "name": "r", "path": "x" } ],
              "scenarios": [ { "name": "s", "executor": "ramping-arrival-rate", "startRate": 1, "stages": [ { "durationSeconds": 1, "target": 5 }, null ] } ] }
            """;
        var plan = System.Text.Json.JsonSerializer.Deserialize<LoadPlan>(json, LoadJson.Options)!;

        Assert.Equal("scenarios[0].stages[1]", Assert.Single(PlanValidator.Validate(plan, PlanValidator.LoopbackHosts)).Field);
    }
}
