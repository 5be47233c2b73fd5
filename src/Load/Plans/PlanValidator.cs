using System.Text.RegularExpressions;

namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>
/// Refuses a plan field by field, listing every problem at once (as our options validators do), and refuses a
/// target whose host is not on the caller's allow-list, so no load is ever aimed at a machine by mistake.
/// </summary>
public static partial class PlanValidator
{
    /// <summary>The CLI's default allow-list: this machine only.</summary>
    public static readonly IReadOnlyList<string> LoopbackHosts = ["127.0.0.1", "localhost", "::1"];

    /// <summary>Ceilings no plan may raise its bounds past: an hour and ten million requests.</summary>
    public const double CeilingDurationSeconds = 3600;

    public const long CeilingRequests = 10_000_000;

    public const double CeilingRate = 100_000;

    public const int CeilingVus = 10_000;

    private static readonly HashSet<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public static IReadOnlyList<PlanProblem> Validate(LoadPlan plan, IEnumerable<string> allowedHosts)
    {
        var problems = new List<PlanProblem>();
        void Add(string field, string message) => problems.Add(new PlanProblem(field, message));

        // JSON can say null (or hold a null element) where a list is expected; say so rather than fail on it later.
        var nulls = new (string Field, System.Collections.IEnumerable? List)[] { ("requests", plan.Requests), ("scenarios", plan.Scenarios), ("thresholds", plan.Thresholds) };
        foreach (var (field, list) in nulls)
        {
            if (list is null || list.Cast<object?>().Any(item => item is null))
            {
                Add(field, "must be a list without null entries.");
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        if (string.IsNullOrWhiteSpace(plan.Name))
        {
            Add("name", "is required.");
        }

        CheckTarget(plan.BaseUrl, allowedHosts.ToList(), Add);
        CheckSetup(plan.Setup, Add);
        CheckRequests(plan, Add);
        foreach (var (scenario, i) in plan.Scenarios.Select((s, i) => (s, i)))
        {
            ScenarioRules.Check(scenario, $"scenarios[{i}]", Add);
        }

        if (plan.Scenarios.Count == 0)
        {
            Add("scenarios", "at least one scenario is needed.");
        }

        foreach (var duplicate in plan.Scenarios.GroupBy(s => s.Name).Where(g => g.Count() > 1 && g.Key.Length > 0))
        {
            Add("scenarios", $"the name '{duplicate.Key}' is used {duplicate.Count()} times; names must be unique.");
        }

        CheckThresholds(plan, Add);
        CheckBounds(plan, Add);
        return problems;
    }

    private static void CheckTarget(string baseUrl, List<string> allowedHosts, Action<string, string> add)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            add("baseUrl", $"'{baseUrl}' is not an absolute http or https URL.");
            return;
        }

        var host = uri.Host.Trim('[', ']');
        if (!allowedHosts.Any(allowed => string.Equals(allowed.Trim('[', ']'), host, StringComparison.OrdinalIgnoreCase)))
        {
            add("baseUrl", $"the host '{host}' is not on the allow-list ({string.Join(", ", allowedHosts)}); " +
                "load is sent only to hosts the caller allows (the CLI: --allow-host).");
        }
    }

    private static void CheckSetup(MeshSetup? setup, Action<string, string> add)
    {
        if (setup is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(setup.MeshName) || setup.MeshName.Length > 100)
        {
            add("setup.meshName", "is required, 100 characters at most.");
        }

        if (setup.Nodes is < 1 or > 1000)
        {
            add("setup.nodes", $"must be between 1 and 1000 (was {setup.Nodes}).");
        }
    }

    private static void CheckRequests(LoadPlan plan, Action<string, string> add)
    {
        if (plan.Requests.Count == 0)
        {
            add("requests", "at least one request is needed.");
        }

        for (var i = 0; i < plan.Requests.Count; i++)
        {
            var r = plan.Requests[i];
            var at = $"requests[{i}]";
            if (string.IsNullOrWhiteSpace(r.Name))
            {
                add($"{at}.name", "is required.");
            }

            if (!Methods.Contains(r.Method))
            {
                add($"{at}.method", $"'{r.Method}' is not one of {string.Join(", ", Methods)}.");
            }

            if (string.IsNullOrWhiteSpace(r.Path))
            {
                add($"{at}.path", "is required.");
            }
            else if (Uri.TryCreate(r.Path, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" || r.Path.StartsWith("//", StringComparison.Ordinal))
            {
                // An absolute path would leave the BaseUrl, and with it the allow-list.
                add($"{at}.path", $"'{r.Path}' must be relative to baseUrl.");
            }

            foreach (var (text, field) in new[] { (r.Path ?? "", "path"), (r.Body ?? "", "body") })
            {
                foreach (Match placeholder in Placeholder().Matches(text))
                {
                    var name = placeholder.Groups[1].Value;
                    if (name is not ("meshId" or "nodeId"))
                    {
                        add($"{at}.{field}", $"unknown placeholder {{{name}}}; only {{meshId}} and {{nodeId}} are filled in.");
                    }
                    else if (plan.Setup is null)
                    {
                        add($"{at}.{field}", $"uses {{{name}}}, which needs a setup (e.g. \"setup\": {{ \"nodes\": 20 }}).");
                    }
                }
            }

            if (!(r.Weight > 0) || double.IsInfinity(r.Weight))
            {
                add($"{at}.weight", $"must be > 0 (was {r.Weight}).");
            }

            foreach (var status in r.ExpectedStatuses ?? [])
            {
                if (status is < 100 or > 599)
                {
                    add($"{at}.expectedStatuses", $"{status} is not an HTTP status.");
                }
            }

            foreach (var name in r.Headers?.Keys ?? [])
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    add($"{at}.headers", "a header name is empty.");
                }
            }
        }

        foreach (var duplicate in plan.Requests.GroupBy(r => r.Name).Where(g => g.Count() > 1 && g.Key.Length > 0))
        {
            add("requests", $"the name '{duplicate.Key}' is used {duplicate.Count()} times; names must be unique.");
        }
    }

    private static void CheckThresholds(LoadPlan plan, Action<string, string> add)
    {
        for (var i = 0; i < plan.Thresholds.Count; i++)
        {
            var t = plan.Thresholds[i];
            if (!ThresholdExpression.TryParse(t.Expression, out _, out var error))
            {
                add($"thresholds[{i}].expression", error);
            }

            if (t.Request is { } name && plan.Requests.All(r => r.Name != name))
            {
                add($"thresholds[{i}].request", $"no request is named '{name}'.");
            }

            if (t.DelayAbortEvalSeconds < 0)
            {
                add($"thresholds[{i}].delayAbortEvalSeconds", $"must be ≥ 0 (was {t.DelayAbortEvalSeconds}).");
            }
        }
    }

    private static void CheckBounds(LoadPlan plan, Action<string, string> add)
    {
        if (!(plan.MaxDurationSeconds > 0) || plan.MaxDurationSeconds > CeilingDurationSeconds)
        {
            add("maxDurationSeconds", $"must be > 0 and at most {CeilingDurationSeconds} (was {plan.MaxDurationSeconds}); every run is bounded.");
        }

        if (plan.MaxRequests is <= 0 or > CeilingRequests)
        {
            add("maxRequests", $"must be > 0 and at most {CeilingRequests} (was {plan.MaxRequests}); every run is bounded.");
        }

        if (!(plan.RequestTimeoutSeconds > 0) || plan.RequestTimeoutSeconds > 120)
        {
            add("requestTimeoutSeconds", $"must be > 0 and at most 120 (was {plan.RequestTimeoutSeconds}).");
        }

        if (plan.Connections is < 1 or > CeilingVus)
        {
            add("connections", $"must be between 1 and {CeilingVus} (was {plan.Connections}).");
        }

        var seconds = plan.Scenarios.Sum(PlanMath.Seconds);
        if (seconds > plan.MaxDurationSeconds && plan.MaxDurationSeconds > 0)
        {
            add("maxDurationSeconds", $"the scenarios last {seconds:0.#} s, more than the bound of {plan.MaxDurationSeconds:0.#} s.");
        }

        var planned = plan.Scenarios.Sum(s => PlanMath.PlannedRequests(s) ?? 0);
        if (planned > plan.MaxRequests && plan.MaxRequests > 0)
        {
            add("maxRequests", $"the open-model scenarios schedule {planned:0} requests, more than the bound of {plan.MaxRequests}.");
        }
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}
