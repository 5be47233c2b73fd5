namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>Where metrics are kept; section "Store".</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>"Sqlite" (embedded, the default). PostgreSQL arrives with the production store.</summary>
    public string Provider { get; set; } = "Sqlite";

    public SqliteStoreOptions Sqlite { get; set; } = new();
}

public sealed class SqliteStoreOptions
{
    /// <summary>The store file; a relative path is under the content root.</summary>
    public string Path { get; set; } = "data/metrics.db";
}
