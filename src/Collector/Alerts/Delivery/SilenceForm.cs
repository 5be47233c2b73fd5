using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>What a person typed to make a silence, read field by field: each field's problem, or the silence.</summary>
public sealed record SilenceForm(IReadOnlyList<SilenceMatcher> Matchers, TimeSpan Duration, string Comment)
{
    public static readonly TimeSpan Shortest = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Longest = TimeSpan.FromDays(30);

    /// <summary>The form, or the problems by field ("matchers", "duration", "comment"); nothing is half-read.</summary>
    public static (SilenceForm? Form, IReadOnlyDictionary<string, string> Problems) Read(string? matchers, string? duration, string? comment)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var (parsed, matcherProblem) = ParseMatchers(matchers);
        if (matcherProblem is not null)
        {
            problems["matchers"] = matcherProblem;
        }

        var (span, durationProblem) = ParseDuration(duration);
        if (durationProblem is not null)
        {
            problems["duration"] = durationProblem;
        }

        comment = comment?.Trim();
        if (string.IsNullOrEmpty(comment) || comment.Length > 1000)
        {
            problems["comment"] = "A silence needs a comment (up to 1,000 characters): why, and until what.";
        }

        return problems.Count > 0 ? (null, problems) : (new SilenceForm(parsed, span, comment!), problems);
    }

    private static readonly Regex LabelName = new("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant);

    /// <summary>
    /// Matchers as Alertmanager writes them — <c>name="value"</c>, <c>!=</c>, <c>=~</c>, <c>!~</c> — separated by
    /// commas or new lines, values quoted or not. At least one must not match an empty label, as Alertmanager requires
    /// (a silence of everything is refused there too).
    /// </summary>
    public static (IReadOnlyList<SilenceMatcher> Matchers, string? Problem) ParseMatchers(string? text)
    {
        var matchers = new List<SilenceMatcher>();
        foreach (var part in Split(text ?? ""))
        {
            var op = new[] { "=~", "!~", "!=", "=" }.Select(o => (Op: o, At: part.IndexOf(o, StringComparison.Ordinal)))
                .Where(x => x.At > 0).OrderBy(x => x.At).ThenByDescending(x => x.Op.Length).FirstOrDefault();
            if (op.Op is null)
            {
                return ([], $"'{part}' is not a matcher: write name=\"value\" (or !=, =~, !~).");
            }

            var name = part[..op.At].Trim();
            var value = Unquote(part[(op.At + op.Op.Length)..].Trim());
            if (!LabelName.IsMatch(name))
            {
                return ([], $"'{name}' is not a label name (letters, digits and _, not starting with a digit).");
            }

            var regex = op.Op.Contains('~');
            if (regex && !IsRegex(value))
            {
                return ([], $"The pattern of {name}{op.Op} is not a valid regular expression: \"{value}\".");
            }

            matchers.Add(new SilenceMatcher(name, value, regex, IsEqual: op.Op[0] == '='));
        }

        if (matchers.Count == 0)
        {
            return ([], "A silence needs at least one matcher, e.g. alertname=\"Collector source down\".");
        }

        if (matchers.All(MatchesEmpty))
        {
            return ([], "Every matcher also matches an alert without that label: at least one must not (a silence would hide everything).");
        }

        return (matchers, null);
    }

    /// <summary>Prometheus durations: 90m, 2h, 1h30m, 1d, 1w; between a minute and 30 days.</summary>
    public static (TimeSpan Duration, string? Problem) ParseDuration(string? text)
    {
        var match = Regex.Match(text?.Trim() ?? "", @"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$", RegexOptions.CultureInvariant);
        if (!match.Success || match.Length == 0)
        {
            return (TimeSpan.Zero, $"'{text}' is not a duration: write e.g. 30m, 2h, 1h30m or 1d.");
        }

        double Part(int group) => match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var span = TimeSpan.FromDays(Part(1) * 7 + Part(2)) + TimeSpan.FromHours(Part(3)) + TimeSpan.FromMinutes(Part(4)) + TimeSpan.FromSeconds(Part(5));
        return span < Shortest || span > Longest
            ? (TimeSpan.Zero, $"A silence lasts between 1 minute and 30 days (was {text}).")
            : (span, null);
    }

    private static bool MatchesEmpty(SilenceMatcher m) =>
        (m.IsRegex ? Regex.IsMatch("", $"^(?:{m.Value})$") : m.Value.Length == 0) == m.IsEqual;

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : value;

    /// <summary>Splits at commas and new lines outside double quotes; blank parts and braces around the whole are dropped.</summary>
    private static IEnumerable<string> Split(string text)
    {
        text = text.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1];
        }

        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"' && (i == 0 || text[i - 1] != '\\'))
            {
                quoted = !quoted;
            }

            if (!quoted && (c == ',' || c == '\n'))
            {
                if (current.ToString().Trim() is { Length: > 0 } part)
                {
                    yield return part;
                }

                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.ToString().Trim() is { Length: > 0 } last)
        {
            yield return last;
        }
    }
}
