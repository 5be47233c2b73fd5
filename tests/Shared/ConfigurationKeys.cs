using System.ComponentModel;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Tests;

/// <summary>
/// The configuration keys a host binds, read from its service registrations, and the keys docs/configuration.md
/// documents, so that ConfigurationDocumentationTests (Dashboard.Tests, Api.Tests) can hold the two together.
/// Keys are written as docs/configuration.md writes them: <c>N</c> for a list index, <c>{id}</c> for a map key.
/// </summary>
internal static class ConfigurationKeys
{
    /// <summary>A configuration table is one with exactly this header; other tables in the file are prose.</summary>
    public const string TableHeader = "| key | environment variable | default | meaning |";

    public static string DocumentPath => Path.Combine(StackEnvironment.RepositoryRoot, "docs", "configuration.md");

    /// <summary>
    /// Every key of the options classes of ours these registrations bind from configuration
    /// (<c>AddOptions&lt;T&gt;().Bind(configuration.GetSection(T.Section))</c>): the properties with a public setter,
    /// walked into nested classes, lists (<c>N</c>) and maps (<c>{id}</c>).
    /// </summary>
    public static SortedSet<string> Bound(IServiceCollection services)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        // Bind registers a change-token source per options type; ASP.NET Core's own (Logging, Kestrel …) are left out.
        var bound = services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("X0tta6bl4.Ops.", StringComparison.Ordinal) == true)
            .Distinct();
        foreach (var type in bound)
        {
            var section = type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                ? (string)field.GetRawConstantValue()!
                : throw new InvalidOperationException($"{type.FullName} is bound from configuration but has no `public const string Section` naming its section.");
            Walk(type, section, keys, []);
        }

        return keys;
    }

    private static void Walk(Type type, string key, SortedSet<string> keys, HashSet<Type> path)
    {
        // What the binder sets from one string (numbers, bool, string, enums, their nullables) is one key.
        if (TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)))
        {
            keys.Add(key);
            return;
        }

        if (Implementation(type, typeof(IDictionary<,>)) is { } map)
        {
            Walk(map.GetGenericArguments()[1], key + ":{id}", keys, path);
            return;
        }

        if (type.IsArray || Implementation(type, typeof(IEnumerable<>)) is not null)
        {
            Walk(type.IsArray ? type.GetElementType()! : Implementation(type, typeof(IEnumerable<>))!.GetGenericArguments()[0], key + ":N", keys, path);
            return;
        }

        if (!path.Add(type))
        {
            throw new InvalidOperationException($"{type.FullName} contains itself at {key}.");
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.GetMethod is { IsPublic: true } && p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0))
        {
            Walk(property.PropertyType, key + ":" + property.Name, keys, path);
        }

        path.Remove(type);
    }

    private static Type? Implementation(Type type, Type generic) =>
        new[] { type }.Concat(type.GetInterfaces()).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic);

    /// <summary>A row of a configuration table: its key and its environment-variable cell.</summary>
    public sealed record Row(int Line, string Key, string Environment);

    /// <summary>
    /// The rows of the configuration tables under <c>## {heading}</c> (up to the next <c>## </c>). A row's first two
    /// cells are one key and one variable, each in backticks; a row in another shape is an error, not skipped.
    /// </summary>
    public static IReadOnlyList<Row> Documented(string markdown, string heading)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.IndexOf("## " + heading);
        if (start < 0)
        {
            throw new InvalidOperationException($"docs/configuration.md has no heading '## {heading}'.");
        }

        var rows = new List<Row>();
        var inTable = false;
        for (var i = start + 1; i < lines.Count && !lines[i].StartsWith("## ", StringComparison.Ordinal); i++)
        {
            if (!lines[i].StartsWith('|'))
            {
                inTable = false;
                continue;
            }

            if (lines[i] == TableHeader)
            {
                inTable = true;
                continue;
            }

            if (!inTable || lines[i].StartsWith("|---", StringComparison.Ordinal))
            {
                continue;
            }

            var row = Regex.Match(lines[i], @"^\| `(?<key>[^`]+)` \| `(?<env>[^`]+)` \|");
            rows.Add(row.Success
                ? new Row(i + 1, row.Groups["key"].Value, row.Groups["env"].Value)
                : throw new InvalidOperationException($"docs/configuration.md:{i + 1}: a configuration row starts with one `key` and one `variable`: {lines[i]}"));
        }

        return rows;
    }

    /// <summary>
    /// Fails with every difference at once: a key without a row, a row naming no key, a key with two rows, and a
    /// variable other than the key with <c>:</c> as <c>__</c> (or the one <paramref name="environment"/> gives).
    /// </summary>
    public static void AssertDocumented(IEnumerable<string> keys, IReadOnlyList<Row> rows, IReadOnlyDictionary<string, string> environment)
    {
        var known = keys.ToHashSet(StringComparer.Ordinal);
        var documented = rows.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var problems = known.Where(k => !documented.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => $"{k}: no row in docs/configuration.md (environment {Variable(k, environment)})")
            .Concat(rows.Where(r => !known.Contains(r.Key)).Select(r => $"docs/configuration.md:{r.Line}: {r.Key} is no configuration key of this host"))
            .Concat(rows.GroupBy(r => r.Key).Where(g => g.Count() > 1).Select(g => $"docs/configuration.md:{g.Last().Line}: {g.Key} has {g.Count()} rows"))
            .Concat(rows.Where(r => r.Environment != Variable(r.Key, environment))
                .Select(r => $"docs/configuration.md:{r.Line}: {r.Key}'s variable is `{Variable(r.Key, environment)}`, not `{r.Environment}`"))
            .ToList();

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static string Variable(string key, IReadOnlyDictionary<string, string> environment) =>
        environment.TryGetValue(key, out var variable) ? variable : key.Replace(":", "__", StringComparison.Ordinal);
}
