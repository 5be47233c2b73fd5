namespace X0tta6bl4.Ops.Api.Domain;

public sealed record CreateMeshRequest(string? Name, string? Region);

public sealed record RegisterNodeRequest(string? Name, string? Address);

public sealed record HeartbeatRequest(string? Status, double? LatencyMs);

public sealed record CreateLinkRequest(Guid? FromNodeId, Guid? ToNodeId, double? LatencyMs);

public sealed record HealNodeRequest(string? Reason);

/// <summary>Field checks that give 400s naming the field, in one place for every endpoint.</summary>
public static class Validation
{
    public static Dictionary<string, string[]> Errors() => new(StringComparer.Ordinal);

    public static void Text(Dictionary<string, string[]> errors, string field, string? value, int max, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                errors[field] = [$"'{field}' is required."];
            }
        }
        else if (value.Length > max)
        {
            errors[field] = [$"'{field}' must be at most {max} characters."];
        }
    }

    public static void Latency(Dictionary<string, string[]> errors, string field, double? value)
    {
        if (value is { } v && (!double.IsFinite(v) || v < 0 || v > 600_000))
        {
            errors[field] = [$"'{field}' must be a number of milliseconds from 0 to 600000."];
        }
    }
}
