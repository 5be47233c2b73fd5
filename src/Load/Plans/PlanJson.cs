using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>
/// A plan as text, both ways: what the CLI reads from a file and the Load tests page shows in its text box.
/// ±Infinity and NaN (a number typed too large) have no JSON number: they are written and read as the strings
/// "Infinity" / "NaN", so the validator names the field instead of the writer failing. A plan that does not read
/// says where and why in JSON's terms, never .NET's.
/// </summary>
public static partial class PlanJson
{
    private static readonly JsonSerializerOptions Options = new(LoadJson.Options)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Write(LoadPlan plan) => JsonSerializer.Serialize(plan, Options);

    /// <summary>The plan in <paramref name="json"/>, or why it is not one (the validator then names the wrong fields).</summary>
    public static (LoadPlan? Plan, string? Problem) Read(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return (null, "The plan is empty.");
        }

        try
        {
            return JsonSerializer.Deserialize<LoadPlan>(json, Options) is { } plan ? (plan, null) : (null, "The plan is empty.");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, {e.Path})") : "";
            return (null, $"The plan is not valid JSON{where}: {InJsonTerms(e.Message.Split(" Path:")[0])}");
        }
    }

    /// <summary>The serializer names .NET types ("could not be converted to System.Int32"); a plan's author thinks in JSON's.</summary>
    private static string InJsonTerms(string message) => DotNetType().Replace(message, m => m.Groups[1].Value switch
    {
        "Int32" or "Int64" or "UInt32" or "UInt64" or "Int16" => "a whole number",
        "Double" or "Single" or "Decimal" => "a number",
        "String" => "a string",
        "Boolean" => "true or false",
        var name when name.Contains("List", StringComparison.Ordinal) || name.EndsWith("[]", StringComparison.Ordinal) => "a list",
        var name when m.Value.StartsWith("X0tta6bl4", StringComparison.Ordinal) || name.StartsWith("Nullable", StringComparison.Ordinal) && name.Contains("X0tta6bl4", StringComparison.Ordinal) => "an object",
        _ => "a value of this field's kind",
    });

    [GeneratedRegex(@"\b(?:System|X0tta6bl4\.Ops)\.([\w.`]+(?:\[[^\]]*\])?)")]
    private static partial Regex DotNetType();
}
