using System.Text.Json;
using System.Text.Json.Serialization;

namespace X0tta6bl4.Ops.Load.Plans;

/// <summary>Reads a threshold as k6 writes it (a bare "p(95)&lt;500") or as an object; always writes the object.</summary>
internal sealed class LoadThresholdConverter : JsonConverter<LoadThreshold>
{
    public override LoadThreshold? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new LoadThreshold { Expression = reader.GetString() ?? "" };
        }

        var shape = JsonSerializer.Deserialize<ThresholdShape>(ref reader, options);
        return shape is null ? null : new LoadThreshold
        {
            Expression = shape.Expression ?? "",
            Request = shape.Request,
            AbortOnFail = shape.AbortOnFail,
            DelayAbortEvalSeconds = shape.DelayAbortEvalSeconds,
        };
    }

    public override void Write(Utf8JsonWriter writer, LoadThreshold value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, new ThresholdShape(value.Expression, value.Request, value.AbortOnFail, value.DelayAbortEvalSeconds), options);

    // The converter is on LoadThreshold itself, so (de)serializing through a plain shape avoids recursing into it.
    private sealed record ThresholdShape(string? Expression, string? Request, bool AbortOnFail, double DelayAbortEvalSeconds);
}
