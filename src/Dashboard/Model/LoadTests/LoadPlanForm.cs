using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using X0tta6bl4.Ops.Load;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Dashboard.Model.LoadTests;

/// <summary>
/// The Load tests page's form: the fields a plan file has, for the common cases, turned into a plan with the
/// mesh API's own request mix. The plan's JSON is what runs (the page shows it and lets it be edited).
/// </summary>
public sealed partial class LoadPlanForm
{
    public string Name { get; set; } = "load-test";

    public string BaseUrl { get; set; } = DefaultPlans.DefaultBaseUrl;

    public string Executor { get; set; } = Executors.RampingVus;

    /// <summary>constant-arrival-rate: req/s; ramping-arrival-rate: the target of its one ramp.</summary>
    public double Rate { get; set; } = 100;

    public double StartRate { get; set; } = 50;

    public double DurationSeconds { get; set; } = 60;

    public double StepRate { get; set; } = 250;

    public double StepSeconds { get; set; } = 10;

    public double MaxRate { get; set; } = 5000;

    public int MaxInFlight { get; set; } = 256;

    /// <summary>Comma-separated, k6's syntax.</summary>
    public string Thresholds { get; set; } = "p(95)<500, p(99)<1000, rate<0.001";

    /// <summary>The plan: ramping VUs is the seed's own test; the others take their figures from the fields.</summary>
    /// <param name="targetP95Ms">A capacity search's p95 target (the SLA's).</param>
    /// <param name="targetErrorRate">… and its error-rate target (the SLA's, as a fraction).</param>
    public LoadPlan ToPlan(double targetP95Ms, double targetErrorRate)
    {
        var plan = DefaultPlans.Baseline(BaseUrl.Trim()) with
        {
            Name = Name.Trim(),
            Thresholds = Thresholds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => new LoadThreshold { Expression = t }).ToList(),
        };
        LoadScenario? scenario = Executor switch
        {
            Executors.ConstantArrivalRate => new() { Name = "constant", Executor = Executor, Rate = Rate, DurationSeconds = DurationSeconds, MaxInFlight = MaxInFlight },
            Executors.RampingArrivalRate => new() { Name = "ramp", Executor = Executor, StartRate = StartRate, Stages = [new(DurationSeconds, Rate)], MaxInFlight = MaxInFlight },
            Executors.CapacitySearch => new()
            {
                Name = "capacity", Executor = Executor, StartRate = StartRate, StepRate = StepRate, StepSeconds = StepSeconds, MaxRate = MaxRate,
                TargetP95Ms = targetP95Ms, TargetErrorRate = targetErrorRate, MaxInFlight = MaxInFlight,
            },
            Executors.RampingVus => null, // the seed's stages
            _ => new() { Name = "custom", Executor = Executor },
        };
        return scenario is null ? plan : plan with { Scenarios = [scenario] };
    }

    /// <summary>
    /// The plan as the text box shows it. A form field can hold ±Infinity or NaN (a number typed too large), which JSON
    /// has no number for: it is written as the string "Infinity" / "NaN", read back the same way, and the validator then
    /// names the field, instead of the page failing to show the plan.
    /// </summary>
    public static string ToJson(LoadPlan plan) => JsonSerializer.Serialize(plan, TextBoxJson);

    private static readonly JsonSerializerOptions TextBoxJson = new(LoadJson.Options)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The plan in the text box, or why it is not one (the validator then names the wrong fields).</summary>
    public static (LoadPlan? Plan, string? Problem) Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, "The plan is empty.");
        }

        try
        {
            return JsonSerializer.Deserialize<LoadPlan>(json, TextBoxJson) is { } plan ? (plan, null) : (null, "The plan is empty.");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, {e.Path})") : "";
            return (null, $"The plan is not valid JSON{where}: {InJsonTerms(e.Message.Split(" Path:")[0])}");
        }
    }

    /// <summary>The serializer names .NET types ("could not be converted to System.Int32"); a plan's author thinks in JSON's.</summary>
    private static string InJsonTerms(string message) => DotNetType().Replace(message, m => m.Groups[1].Value switch
    {
        "Int32" or "Int64" or "UInt32" or "UInt64" or "Int16" => "a whole number",
        "Double" or "Single" or "Decimal" => "a number",
        "String" => "a string",
        "Boolean" => "true or false",
        var name when name.Contains("List", StringComparison.Ordinal) || name.EndsWith("[]", StringComparison.Ordinal) => "a list",
        var name when m.Value.StartsWith("X0tta6bl4", StringComparison.Ordinal) || name.StartsWith("Nullable", StringComparison.Ordinal) && name.Contains("X0tta6bl4", StringComparison.Ordinal) => "an object",
        _ => "a value of this field's kind",
    });

    [GeneratedRegex(@"\b(?:System|X0tta6bl4\.Ops)\.([\w.`]+(?:\[[^\]]*\])?)")]
    private static partial Regex DotNetType();
}
