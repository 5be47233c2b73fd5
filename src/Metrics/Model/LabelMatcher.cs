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
    private readonly Regex? _regex;

    public LabelMatcher(string name, MatchOp op, string value)
    {
        Name = name;
        Op = op;
        Value = value;
        if (op is MatchOp.Regex or MatchOp.NotRegex)
        {
            try
            {
                _regex = new Regex($"^(?:{value})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Invalid regular expression for label '{name}': {e.Message}", nameof(value), e);
            }
        }
    }

    public string Name { get; }

    public MatchOp Op { get; }

    public string Value { get; }

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
