using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using X0tta6bl4.Ops.Dashboard.Model.LoadTests;
using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Dashboard.Tests.Hardening;

/// <summary>
/// The Load tests page's two inputs, fuzzed: the plan's JSON text box (the default plan with its values swapped for
/// hostile ones, spans cut and junk inserted) and the form's fields. Every case is either refused with a reason that
/// holds no internals, or is a plan the validator accepts, and an accepted plan only ever targets an allowed host
/// within the ceilings. X0_FUZZ_CASES sets the count, as in <see cref="FuzzTests"/>.
/// </summary>
public sealed partial class LoadPlanFuzzTests
{
    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("X0_FUZZ_CASES"), out var n) && n > 0 ? n : 1_500;

    private static readonly string[] AllowedHosts = ["127.0.0.1", "localhost"];

    private static readonly string[] Values =
    [
        "0", "-1", "1e308", "1e400", "-1e400", "NaN", "\"NaN\"", "\"Infinity\"", "4.9e-324", "9223372036854775808", "0.5", "100000", "100001",
        "3600", "3601", "null", "true", "\"\"", "\"x\"", "[]", "{}", "[1,2]", "\"p(95)<\"", "\"p(99)<abc\"", "\"rate<2\"", "\"http://10.0.0.1:80\"",
        "\"http://127.0.0.1:1\"", "\"file:///etc/passwd\"", "\"ramping-vus\"", "\"constant-arrival-rate\"", "\"capacity-search\"", "\"nope\"",
        "\"" + new string('x', 5000) + "\"", "\"\\u0000\"", "\"é\"", "\"DELETE\"", "\"../../admin\"",
    ];

    private static readonly string[] Junk = ["{", "}", "[", "]", ",", ":", "\"", "\\", "//", "/*", "\u0000", "\"scenarios\":", "\"stages\":[", "1e999", "é"];

    [GeneratedRegex("""-?\d+(\.\d+)?([eE][-+]?\d+)?|"(?:[^"\\]|\\.)*"|true|false|null""")]
    private static partial Regex Literal();

    [Fact]
    public void PlanJson_Fuzzed_IsRefusedWithAReason_OrIsAPlanWithinTheRules()
    {
        var baseline = PlanJson.Write(DefaultPlans.Baseline("http://127.0.0.1:58080"));
        var literals = Literal().Matches(baseline).ToList();
        var random = new Random(17);
        var (refused, invalid, accepted) = (0, 0, 0);

        for (var i = 0; i < Cases; i++)
        {
            var text = new StringBuilder(baseline);
            for (var edits = random.Next(1, 5); edits > 0; edits--)
            {
                var literal = literals[random.Next(literals.Count)];
                var at = Math.Min(literal.Index, text.Length);
                var length = Math.Min(literal.Length, text.Length - at);
                switch (random.Next(6))
                {
                    case 0:
                        text.Remove(at, random.Next(0, Math.Min(40, text.Length - at) + 1));
                        break;
                    case 1:
                        text.Insert(at, Junk[random.Next(Junk.Length)]);
                        break;
                    default:
                        text.Remove(at, length).Insert(at, Values[random.Next(Values.Length)]);
                        break;
                }
            }

            var json = text.ToString();
            var (plan, problem) = PlanJson.Read(json);
            if (plan is null)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(problem), $"case {i}: refused without a reason");
                NoInternals.In(problem!, $"case {i}: {json}");
                continue;
            }

            if (Judge(plan, $"case {i}: {json}"))
            {
                accepted++;
            }
            else
            {
                invalid++;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{Cases} plan texts: {refused} not a plan, {invalid} refused by the validator, {accepted} accepted");
        Assert.True(refused > 0 && invalid > 0 && accepted > 0, "the generator should reach every outcome");
    }

    [Fact]
    public void PlanForm_Fuzzed_IsRefusedWithAReason_OrIsAPlanWithinTheRules()
    {
        var random = new Random(18);
        double[] numbers = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.MinValue, double.Epsilon, 0, -1, 1e-300, 1e300, 100_000, 100_001, 3600, 3601];
        string[] executors = [Executors.RampingVus, Executors.ConstantArrivalRate, Executors.RampingArrivalRate, Executors.CapacitySearch, "", "nope", "RAMPING-VUS"];
        string[] urls = ["http://127.0.0.1:58080", "http://localhost:1/", "http://10.0.0.1", "https://example.com", "ftp://127.0.0.1", "", "not a url", "http://127.0.0.1:99999", "http://[::1]:80"];
        string[] thresholds = ["p(95)<500", "p(99)<1000, rate<0.001", "", ",,,", "p(95)<", "p(101)<5", "rate<-1", "avg<1", "p(95)<NaN", "p(95)<1e999", "\u0000", "max<5, p(50)<1"];
        double Number() => random.Next(3) == 0 ? numbers[random.Next(numbers.Length)] : random.NextDouble() * Math.Pow(10, random.Next(-3, 7)) * (random.Next(5) == 0 ? -1 : 1);
        var accepted = 0;

        for (var i = 0; i < Cases; i++)
        {
            var form = new LoadPlanForm
            {
                Name = random.Next(5) == 0 ? "" : "fuzz-" + i.ToString(CultureInfo.InvariantCulture) + new string('é', random.Next(3) * 100),
                BaseUrl = urls[random.Next(urls.Length)],
                Executor = executors[random.Next(executors.Length)],
                Rate = Number(),
                StartRate = Number(),
                DurationSeconds = Number(),
                StepRate = Number(),
                StepSeconds = Number(),
                MaxRate = Number(),
                MaxInFlight = random.Next(8) == 0 ? int.MinValue : random.Next(-10, 20_000),
                Thresholds = thresholds[random.Next(thresholds.Length)] + (random.Next(2) == 0 ? ", " + thresholds[random.Next(thresholds.Length)] : ""),
            };

            // As the page does: the form's plan is shown as JSON in the text box, and what runs is read back from it.
            var json = PlanJson.Write(form.ToPlan(Number(), Number()));
            var (plan, problem) = PlanJson.Read(json);
            Assert.True(plan is not null, $"form case {i}: the form's own plan does not read back: {problem}\n{json}");
            if (Judge(plan, $"form case {i}: {json}"))
            {
                accepted++;
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{Cases} forms: {accepted} accepted");
        Assert.InRange(accepted, 1, Cases - 1);
    }

    /// <summary>Validates a plan: refusals name a field and hold no internals; an accepted plan keeps to the rules the runner relies on.</summary>
    private static bool Judge(LoadPlan plan, string what)
    {
        var problems = PlanValidator.Validate(plan, AllowedHosts);
        foreach (var problem in problems)
        {
            Assert.False(string.IsNullOrWhiteSpace(problem.Message), $"{what}: a problem without a message");
            NoInternals.In(problem.Field + " " + problem.Message, what);
        }

        if (problems.Count > 0)
        {
            return false;
        }

        Assert.True(Uri.TryCreate(plan.BaseUrl, UriKind.Absolute, out var target) && AllowedHosts.Contains(target.Host.Trim('[', ']')), $"{what}: accepted a target outside the allowed hosts");
        Assert.NotEmpty(plan.Scenarios);
        foreach (var scenario in plan.Scenarios)
        {
            var seconds = PlanMath.Seconds(scenario);
            Assert.True(double.IsFinite(seconds) && seconds > 0 && seconds <= PlanValidator.CeilingDurationSeconds, $"{what}: accepted {seconds} s");
            if (PlanMath.PlannedRequests(scenario) is { } requests)
            {
                Assert.True(double.IsFinite(requests) && requests <= PlanValidator.CeilingRequests, $"{what}: accepted {requests} requests");
            }
        }

        return true;
    }
}
