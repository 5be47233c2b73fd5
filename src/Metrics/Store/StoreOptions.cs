namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>Where metrics are kept; section "Store".</summary>
public sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>"Sqlite" (embedded, the default) or "Postgres" (production).</summary>
    public string Provider { get; set; } = "Sqlite";

    public SqliteStoreOptions Sqlite { get; set; } = new();

    public PostgresStoreOptions Postgres { get; set; } = new();

    /// <summary>Raw samples older than this are deleted (as the seed's Prometheus: 15 days).</summary>
    public int RawRetentionDays { get; set; } = 15;

    /// <summary>1-minute rollups are kept this long (enough for a 30-day range at 1-minute steps).</summary>
    public int MinuteRetentionDays { get; set; } = 35;

    /// <summary>1-hour rollups are kept this long (about 13 months).</summary>
    public int HourRetentionDays { get; set; } = 400;

    public bool IsPostgres => string.Equals(Provider, "Postgres", StringComparison.OrdinalIgnoreCase);

    public RetentionPolicy Retention => new(TimeSpan.FromDays(RawRetentionDays), TimeSpan.FromDays(MinuteRetentionDays), TimeSpan.FromDays(HourRetentionDays));
}

public sealed class PostgresStoreOptions
{
    /// <summary>Npgsql connection string of the database that holds the metric tables (created on start).</summary>
    public string Connection { get; set; } = string.Empty;
}

public sealed class SqliteStoreOptions
{
    /// <summary>The store file; a relative path is under the content root.</summary>
    public string Path { get; set; } = "data/metrics.db";
}
