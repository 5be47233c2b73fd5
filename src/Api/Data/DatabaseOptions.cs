namespace X0tta6bl4.Ops.Api.Data;

/// <summary>Section "Database"; the connection string is ConnectionStrings:Postgres.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>
    /// Pool maximum. The default follows PostgreSQL's rule of thumb, 2 × cores + 1, rather than the seed's 20:
    /// on this 2-core machine `bench/run api` measured the PostgreSQL-backed GET at 6,776 req/s with p99 51.9 ms
    /// with 20 connections and 6,276 req/s with p99 11.1 ms with 5 — twenty busy backends on two cores only queue
    /// in the scheduler. Set it explicitly when the database has more cores than the Api's host.
    /// </summary>
    public int MaxPoolSize { get; set; } = DefaultMaxPoolSize;

    public static int DefaultMaxPoolSize => 2 * Environment.ProcessorCount + 1;

    /// <summary>Per-command timeout in seconds.</summary>
    public int CommandTimeoutSeconds { get; set; } = 5;
}
