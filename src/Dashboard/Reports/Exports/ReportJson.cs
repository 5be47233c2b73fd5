using System.Text.Json;
using System.Text.Json.Serialization;

namespace X0tta6bl4.Ops.Dashboard.Reports.Exports;

/// <summary>The report model as JSON (every figure with its comparison and method); also how saved reports are kept.</summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Render(ReportModel model) => JsonSerializer.Serialize(model, Options);

    public static ReportModel Parse(string json) =>
        JsonSerializer.Deserialize<ReportModel>(json, Options) ?? throw new JsonException("The saved report is empty.");
}
