namespace X0tta6bl4.Ops.Api.Data;

/// <summary>Section "Database"; the connection string is ConnectionStrings:Postgres.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Pool maximum, 20 as in the seed.</summary>
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>Per-command timeout in seconds.</summary>
    public int CommandTimeoutSeconds { get; set; } = 5;
}
