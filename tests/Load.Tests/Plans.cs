using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Tests;

/// <summary>Small plans the integration tests share: one GET against a URL, one scenario, seconds long.</summary>
internal static class Plans
{
    public static LoadPlan OneGet(string baseUrl, LoadScenario scenario, string path = "ok") => new()
    {
        Name = "test-" + scenario.Executor,
        BaseUrl = baseUrl,
        Requests = [new LoadRequest { Name = "get", Path = path }],
        Scenarios = [scenario],
        MaxDurationSeconds = 60,
        MaxRequests = 100_000,
        RequestTimeoutSeconds = 5,
    };

    public static LoadScenario Constant(double rate, double seconds, int maxInFlight = 100) =>
        new() { Name = "constant", Executor = Executors.ConstantArrivalRate, Rate = rate, DurationSeconds = seconds, MaxInFlight = maxInFlight, GracefulStopSeconds = 5 };

    public static LoadScenario Vus(int vus, double seconds) =>
        new() { Name = "vus", Executor = Executors.RampingVus, StartVus = vus, Stages = [new(seconds, vus)], GracefulStopSeconds = 5 };
}
