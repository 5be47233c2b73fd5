using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace X0tta6bl4.Ops.Metrics.Model;

public enum MatchOp
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

/// <summary>A label matcher with Prometheus semantics: regexes are fully anchored, a missing label is "".</summary>
public sealed class LabelMatcher
{
    // Prometheus matches with RE2, in time linear in the input. .NET's backtracking engine took exponential time on
    // patterns such as (.*.*.*.*.*)*[0-9]{30}; the non-backtracking engine is linear and refuses what RE2 also lacks
    // (backreferences, lookarounds, atomic groups). The timeout stays as a last guard, far above a linear match.
    private const RegexOptions Options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(250);

    // A dashboard asks the same few patterns every refresh; building the automaton each time is most of a match's cost.
    private const int CacheSize = 512;
    private static readonly ConcurrentDictionary<string, Regex> Compiled = new(StringComparer.Ordinal);

    private readonly Regex? _regex;

    public LabelMatcher(string name, MatchOp op, string value)
    {
        Name = name;
        Op = op;
        Value = value;
        if (op is MatchOp.Regex or MatchOp.NotRegex)
        {
            _regex = Compile(name, value);
        }
    }

    public string Name { get; }

    public MatchOp Op { get; }

    public string Value { get; }

    private static Regex Compile(string name, string value)
    {
        if (Compiled.TryGetValue(value, out var known))
        {
            return known;
        }

        Regex regex;
        try
        {
            // The pattern must parse on its own: "a)|(b" would otherwise escape the anchors around it.
            _ = new Regex(value, Options);
            // \A and \z rather than ^ and $: $ would also match before a final newline.
            regex = new Regex($"\\A(?:{value})\\z", Options, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Invalid regular expression for label '{name}': {e.Message}", nameof(value), e);
        }
        catch (NotSupportedException e)
        {
            throw new ArgumentException($"Unsupported regular expression for label '{name}' (RE2 syntax only: no backreferences or lookarounds): {e.Message}", nameof(value), e);
        }

        if (Compiled.Count >= CacheSize)
        {
            Compiled.Clear();
        }

        Compiled[value] = regex;
        return regex;
    }

    public bool Matches(SeriesKey key)
    {
        var actual = key[Name] ?? string.Empty;
        return Op switch
        {
            MatchOp.Equal => actual == Value,
            MatchOp.NotEqual => actual != Value,
            MatchOp.Regex => _regex!.IsMatch(actual),
            MatchOp.NotRegex => !_regex!.IsMatch(actual),
            _ => false,
        };
    }

    public override string ToString()
    {
        var op = Op switch { MatchOp.Equal => "=", MatchOp.NotEqual => "!=", MatchOp.Regex => "=~", _ => "!~" };
        return $"{Name}{op}\"{Value}\"";
    }
}
