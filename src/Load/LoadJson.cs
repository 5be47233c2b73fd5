using System.Text.Json;
using System.Text.Json.Serialization;

namespace X0tta6bl4.Ops.Load;

/// <summary>The one JSON shape of plans and runs: camelCase, indented, nulls left out, enums as their names.</summary>
public static class LoadJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // Bodies hold JSON; escaping every quote as \u0022 would make stored plans unreadable. Reports escape for HTML themselves.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
