using System.Globalization;
using System.Text.RegularExpressions;

namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>
/// A parsed threshold: a statistic, a comparison and a limit. Latency statistics (p(N), avg, med, min, max)
/// are in ms from the intended start; "rate" is the error rate (0–1).
/// </summary>
public sealed partial record ThresholdExpression(string Statistic, double? Percentile, string Operator, double Limit)
{
    public bool IsLatency => Statistic != "rate";

    public static bool TryParse(string? text, out ThresholdExpression? expression, out string error)
    {
        expression = null;
        var match = Grammar().Match(text ?? "");
        if (!match.Success)
        {
            error = $"'{text}' is not a threshold; write e.g. p(95)<500, avg<200, med<100, min<10, max<2000 (ms) or rate<0.001.";
            return false;
        }

        var statistic = match.Groups["stat"].Value;
        double? percentile = null;
        if (match.Groups["p"].Success)
        {
            var p = double.Parse(match.Groups["p"].Value, CultureInfo.InvariantCulture);
            if (p is <= 0 or > 100)
            {
                error = $"'{text}': the percentile must be in (0, 100].";
                return false;
            }

            statistic = "p";
            percentile = p;
        }

        var limit = double.Parse(match.Groups["limit"].Value, CultureInfo.InvariantCulture);
        if (statistic == "rate" && limit is < 0 or > 1)
        {
            error = $"'{text}': a rate is between 0 and 1.";
            return false;
        }

        expression = new ThresholdExpression(statistic, percentile, match.Groups["op"].Value, limit);
        error = "";
        return true;
    }

    public static ThresholdExpression Parse(string text) =>
        TryParse(text, out var expression, out var error) ? expression! : throw new FormatException(error);

    public bool IsMetBy(double measured) => Operator switch
    {
        "<" => measured < Limit,
        "<=" => measured <= Limit,
        ">" => measured > Limit,
        ">=" => measured >= Limit,
        _ => throw new InvalidOperationException($"Unknown operator {Operator}."),
    };

    [GeneratedRegex(@"^\s*(?:p\(\s*(?<p>\d+(?:\.\d+)?)\s*\)|(?<stat>avg|med|min|max|rate))\s*(?<op><=|>=|<|>)\s*(?<limit>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*$")]
    private static partial Regex Grammar();
}
