using System.Globalization;

namespace X0tta6bl4.Ops.Collector.Sources.Redis;

/// <summary>
/// The text of <c>INFO all</c>: "# Section" headers and "key:value" lines. Values that are lists
/// (commandstats, keyspace, latencystats) are "a=1,b=2", read with <see cref="Fields"/>.
/// </summary>
public sealed class RedisInfo
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static RedisInfo Parse(string text)
    {
        var info = new RedisInfo();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new FormatException($"INFO line without 'key:value': {line[..Math.Min(line.Length, 60)]}");
            }

            info._values[line[..colon]] = line[(colon + 1)..];
        }

        if (!info._values.ContainsKey("redis_version"))
        {
            throw new FormatException("INFO has no redis_version: not a Redis INFO reply.");
        }

        return info;
    }

    public string? Text(string key) => _values.GetValueOrDefault(key);

    public double? Number(string key) =>
        _values.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Lines whose key starts with a prefix (e.g. "cmdstat_"), key without the prefix.</summary>
    public IEnumerable<(string Name, IReadOnlyDictionary<string, double> Fields)> WithPrefix(string prefix) =>
        _values.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(kv => (kv.Key[prefix.Length..], Fields(kv.Value)));

    /// <summary>"calls=10,usec=20,usec_per_call=2.00" → fields that are numbers (others are left out).</summary>
    public static IReadOnlyDictionary<string, double> Fields(string text)
    {
        var fields = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var part in text.Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq > 0 && double.TryParse(part.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                fields[part[..eq]] = value;
            }
        }

        return fields;
    }
}
