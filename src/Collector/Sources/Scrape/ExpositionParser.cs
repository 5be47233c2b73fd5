using System.Globalization;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Scrape;

public enum ExpositionFormat
{
    /// <summary>Prometheus text format 0.0.4: timestamps are integer milliseconds.</summary>
    PrometheusText,

    /// <summary>OpenMetrics 1.0: timestamps are float seconds, "# EOF" ends the exposition, exemplars may follow values.</summary>
    OpenMetrics,
}

/// <summary>One sample line of an exposition.</summary>
public sealed record ScrapedSample(string Name, IReadOnlyList<Label> Labels, double Value, long? TimestampMs)
{
    public string? Label(string name)
    {
        foreach (var label in Labels)
        {
            if (label.Name == name)
            {
                return label.Value;
            }
        }

        return null;
    }
}

/// <summary>A parsed exposition: the samples in order and the declared type of each family.</summary>
public sealed record Exposition(IReadOnlyList<ScrapedSample> Samples, IReadOnlyDictionary<string, string> Types);

/// <summary>The only exception the parser throws: what is wrong and on which line.</summary>
public sealed class ExpositionParseException(int line, string message)
    : FormatException($"Line {line}: {message}")
{
    public int Line { get; } = line;
}

/// <summary>Parses the Prometheus text exposition format and OpenMetrics text.</summary>
public static class ExpositionParser
{
    public static ExpositionFormat FormatOf(string? contentType) =>
        contentType is not null && contentType.Contains("openmetrics", StringComparison.OrdinalIgnoreCase)
            ? ExpositionFormat.OpenMetrics
            : ExpositionFormat.PrometheusText;

    public static Exposition Parse(string text, ExpositionFormat format = ExpositionFormat.PrometheusText)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<ScrapedSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        var span = text.AsSpan();
        while (span.Length > 0)
        {
            lineNumber++;
            var end = span.IndexOf('\n');
            var line = end < 0 ? span : span[..end];
            span = end < 0 ? ReadOnlySpan<char>.Empty : span[(end + 1)..];
            if (line.Length > 0 && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsWhiteSpace())
            {
                continue;
            }

            if (line[0] == '#')
            {
                if (ParseComment(line, types, lineNumber))
                {
                    break; // # EOF
                }

                continue;
            }

            samples.Add(ParseSample(line, format, lineNumber));
        }

        return new Exposition(samples, types);
    }

    /// <returns>true at "# EOF".</returns>
    private static bool ParseComment(ReadOnlySpan<char> line, Dictionary<string, string> types, int lineNumber)
    {
        var rest = line[1..].TrimStart(' ');
        if (rest.SequenceEqual("EOF"))
        {
            return true;
        }

        if (!rest.StartsWith("TYPE "))
        {
            return false; // HELP, UNIT and free comments carry nothing we use.
        }

        rest = rest[5..].Trim(' ');
        var space = rest.IndexOf(' ');
        if (space <= 0)
        {
            throw new ExpositionParseException(lineNumber, "TYPE line without a type.");
        }

        var name = rest[..space].ToString();
        if (!IsMetricName(name))
        {
            throw new ExpositionParseException(lineNumber, $"Invalid metric name '{name}' in TYPE line.");
        }

        types[name] = rest[(space + 1)..].Trim(' ').ToString();
        return false;
    }

    private static ScrapedSample ParseSample(ReadOnlySpan<char> line, ExpositionFormat format, int lineNumber)
    {
        var i = 0;
        while (i < line.Length && IsNameChar(line[i], i == 0))
        {
            i++;
        }

        if (i == 0)
        {
            throw new ExpositionParseException(lineNumber, $"Expected a metric name at '{Excerpt(line)}'.");
        }

        var name = line[..i].ToString();
        IReadOnlyList<Label> labels = [];
        if (i < line.Length && line[i] == '{')
        {
            labels = ParseLabels(line, ref i, lineNumber);
        }

        var rest = line[i..];
        if (rest.Length == 0 || (rest[0] != ' ' && rest[0] != '\t'))
        {
            throw new ExpositionParseException(lineNumber, $"Expected a space and a value after '{name}'.");
        }

        rest = rest.TrimStart(" \t");

        // OpenMetrics exemplars follow the value and timestamp after " # ".
        var exemplar = rest.IndexOf(" #");
        if (exemplar >= 0)
        {
            rest = rest[..exemplar];
        }

        rest = rest.TrimEnd(" \t");
        var split = rest.IndexOfAny(' ', '\t');
        var valueText = split < 0 ? rest : rest[..split];
        var value = ParseValue(valueText, lineNumber);
        long? timestamp = null;
        if (split >= 0)
        {
            var timestampText = rest[(split + 1)..].Trim(" \t");
            timestamp = ParseTimestamp(timestampText, format, lineNumber);
        }

        return new ScrapedSample(name, labels, value, timestamp);
    }

    private static List<Label> ParseLabels(ReadOnlySpan<char> line, ref int i, int lineNumber)
    {
        var labels = new List<Label>();
        i++; // '{'
        while (true)
        {
            SkipSpaces(line, ref i);
            if (i >= line.Length)
            {
                throw new ExpositionParseException(lineNumber, "Unterminated label set.");
            }

            if (line[i] == '}')
            {
                i++;
                return labels;
            }

            var start = i;
            while (i < line.Length && IsLabelNameChar(line[i], i == start))
            {
                i++;
            }

            if (i == start)
            {
                throw new ExpositionParseException(lineNumber, $"Expected a label name at column {i + 1}.");
            }

            var labelName = line[start..i].ToString();
            SkipSpaces(line, ref i);
            if (i >= line.Length || line[i] != '=')
            {
                throw new ExpositionParseException(lineNumber, $"Expected '=' after label '{labelName}'.");
            }

            i++;
            SkipSpaces(line, ref i);
            if (i >= line.Length || line[i] != '"')
            {
                throw new ExpositionParseException(lineNumber, $"Expected a quoted value for label '{labelName}'.");
            }

            i++;
            var value = new System.Text.StringBuilder();
            while (true)
            {
                if (i >= line.Length)
                {
                    throw new ExpositionParseException(lineNumber, $"Unterminated value for label '{labelName}'.");
                }

                var c = line[i++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\')
                {
                    if (i >= line.Length)
                    {
                        throw new ExpositionParseException(lineNumber, $"Dangling escape in label '{labelName}'.");
                    }

                    var escaped = line[i++];
                    value.Append(escaped switch
                    {
                        'n' => '\n',
                        '\\' => '\\',
                        '"' => '"',
                        _ => throw new ExpositionParseException(lineNumber, $"Unknown escape '\\{escaped}' in label '{labelName}'."),
                    });
                }
                else
                {
                    value.Append(c);
                }
            }

            if (labels.Exists(l => l.Name == labelName))
            {
                throw new ExpositionParseException(lineNumber, $"Label '{labelName}' appears twice.");
            }

            labels.Add(new Label(labelName, value.ToString()));
            SkipSpaces(line, ref i);
            if (i < line.Length && line[i] == ',')
            {
                i++;
            }
            else if (i < line.Length && line[i] != '}')
            {
                throw new ExpositionParseException(lineNumber, $"Expected ',' or '}}' after label '{labelName}'.");
            }
        }
    }

    private static double ParseValue(ReadOnlySpan<char> text, int lineNumber)
    {
        if (text.Equals("NaN", StringComparison.OrdinalIgnoreCase))
        {
            return double.NaN;
        }

        if (text.Equals("+Inf", StringComparison.OrdinalIgnoreCase) || text.Equals("Inf", StringComparison.OrdinalIgnoreCase))
        {
            return double.PositiveInfinity;
        }

        if (text.Equals("-Inf", StringComparison.OrdinalIgnoreCase))
        {
            return double.NegativeInfinity;
        }

        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value))
        {
            return value;
        }

        throw new ExpositionParseException(lineNumber, $"Invalid sample value '{Excerpt(text)}'.");
    }

    private static long ParseTimestamp(ReadOnlySpan<char> text, ExpositionFormat format, int lineNumber)
    {
        if (format == ExpositionFormat.PrometheusText
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        if (format == ExpositionFormat.OpenMetrics
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && double.IsFinite(seconds) && Math.Abs(seconds) < 1e13)
        {
            return (long)Math.Round(seconds * 1000);
        }

        throw new ExpositionParseException(lineNumber, $"Invalid timestamp '{Excerpt(text)}'.");
    }

    private static void SkipSpaces(ReadOnlySpan<char> line, ref int i)
    {
        while (i < line.Length && (line[i] == ' ' || line[i] == '\t'))
        {
            i++;
        }
    }

    private static bool IsNameChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c == '_' || c == ':' || (!first && char.IsAsciiDigit(c));

    private static bool IsLabelNameChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c == '_' || (!first && char.IsAsciiDigit(c));

    private static bool IsMetricName(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (!IsNameChar(name[i], i == 0))
            {
                return false;
            }
        }

        return name.Length > 0;
    }

    private static string Excerpt(ReadOnlySpan<char> text) =>
        text.Length <= 40 ? text.ToString() : text[..40].ToString() + "…";
}
