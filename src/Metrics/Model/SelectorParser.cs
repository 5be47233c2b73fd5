namespace X0tta6bl4.Ops.Metrics.Model;

/// <summary>
/// Parses a Prometheus series selector: <c>name</c>, <c>name{a="b",c!="d",e=~"f.*",g!~"h"}</c> or
/// <c>{__name__="name",…}</c>. Anything else (functions, operators, ranges) is refused with a reason.
/// </summary>
public static class SelectorParser
{
    public static SeriesSelector Parse(string? input)
    {
        var text = input ?? string.Empty;
        var s = text.Trim();
        var i = 0;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or ':'))
        {
            i++;
        }

        var name = s[..i];
        var matchers = new List<LabelMatcher>();
        if (i < s.Length && s[i] == '{')
        {
            i++;
            while (true)
            {
                SkipSpaces(s, ref i);
                if (i < s.Length && s[i] == '}')
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_'))
                {
                    i++;
                }

                var label = s[start..i];
                if (label.Length == 0)
                {
                    throw Error(text, $"expected a label name at position {i + 1}");
                }

                SkipSpaces(s, ref i);
                var op = i + 1 < s.Length && s[i] == '=' && s[i + 1] == '~' ? MatchOp.Regex
                    : i + 1 < s.Length && s[i] == '!' && s[i + 1] == '=' ? MatchOp.NotEqual
                    : i + 1 < s.Length && s[i] == '!' && s[i + 1] == '~' ? MatchOp.NotRegex
                    : i < s.Length && s[i] == '=' ? MatchOp.Equal
                    : throw Error(text, $"expected =, !=, =~ or !~ after '{label}'");
                i += op == MatchOp.Equal ? 1 : 2;
                SkipSpaces(s, ref i);
                var value = ReadString(s, ref i, text);
                if (label == "__name__")
                {
                    if (op != MatchOp.Equal || name.Length > 0)
                    {
                        throw Error(text, "__name__ is supported only as one exact match");
                    }

                    name = value;
                }
                else
                {
                    try
                    {
                        matchers.Add(new LabelMatcher(label, op, value));
                    }
                    catch (ArgumentException e)
                    {
                        throw Error(text, e.Message);
                    }
                }

                SkipSpaces(s, ref i);
                if (i < s.Length && s[i] == ',')
                {
                    i++;
                }
                else if (i >= s.Length || s[i] != '}')
                {
                    throw Error(text, "expected ',' or '}'");
                }
            }
        }

        SkipSpaces(s, ref i);
        if (i != s.Length)
        {
            throw Error(text, $"unexpected '{s[i..]}': only series selectors are supported, not PromQL functions or operators");
        }

        if (name.Length == 0)
        {
            throw Error(text, "a metric name is required");
        }

        return new SeriesSelector(name, matchers.ToArray());
    }

    private static string ReadString(string s, ref int i, string text)
    {
        if (i >= s.Length || (s[i] != '"' && s[i] != '\''))
        {
            throw Error(text, "expected a quoted value");
        }

        var quote = s[i++];
        var value = new System.Text.StringBuilder();
        while (i < s.Length && s[i] != quote)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
                value.Append(s[i] switch { 'n' => '\n', 't' => '\t', _ => s[i] });
            }
            else
            {
                value.Append(s[i]);
            }

            i++;
        }

        if (i >= s.Length)
        {
            throw Error(text, "unterminated quoted value");
        }

        i++;
        return value.ToString();
    }

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }
    }

    private static FormatException Error(string text, string why) => new($"invalid selector '{text}': {why}");
}
