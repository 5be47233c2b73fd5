using System.Text.Json;
using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Reports;

/// <summary>A run as JSON (camelCase, <see cref="LoadJson.Options"/>): what the dashboard stores and the CLI's --out writes.</summary>
public static class JsonReport
{
    public static string Render(LoadRun run) => JsonSerializer.Serialize(run, LoadJson.Options);

    public static LoadRun Parse(string json) =>
        JsonSerializer.Deserialize<LoadRun>(json, LoadJson.Options) ?? throw new JsonException("The JSON holds no run.");
}
