namespace X0tta6bl4.Ops.Collector.Configuration;

/// <summary>Where the collector reads from; section "Sources".</summary>
public sealed class SourcesOptions
{
    public const string Section = "Sources";

    public ScrapeSourceOptions Scrape { get; set; } = new();

    public PrometheusSourceOptions Prometheus { get; set; } = new();

    public RedisSourceOptions Redis { get; set; } = new();

    public PostgresSourceOptions Postgres { get; set; } = new();
}

public sealed class ScrapeSourceOptions
{
    public bool Enabled { get; set; } = true;

    public int IntervalSeconds { get; set; } = 15;

    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>Also scrape this process's own /metrics, so a fresh install shows live numbers.</summary>
    public bool IncludeSelf { get; set; } = true;

    /// <summary>Targets to scrape; when none are configured, <see cref="DefaultTargets"/> are used.</summary>
    public List<ScrapeTarget> Targets { get; set; } = [];

    /// <summary>The Api as scripts/stack starts it.</summary>
    public static readonly ScrapeTarget[] DefaultTargets =
    [
        new() { Name = "api", Url = "http://127.0.0.1:58080/metrics" },
    ];
}

public sealed class ScrapeTarget
{
    /// <summary>The job name the target's series get.</summary>
    public string Name { get; set; } = string.Empty;

    public string Url { get; set; } = string.Empty;
}

public sealed class PrometheusSourceOptions
{
    /// <summary>Base URL of Prometheus; empty disables the source.</summary>
    public string Url { get; set; } = "http://127.0.0.1:59090";

    public int IntervalSeconds { get; set; } = 15;

    /// <summary>Total time for one request, retries included; each attempt gets TimeoutSeconds / Attempts.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Tries per request before the poll fails (transient failures only); see PrometheusHttp.</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>
    /// Headers sent with every request: a tenant (Mimir's and Cortex's X-Scope-OrgID), a token (Authorization:
    /// Bearer …) for Thanos, Mimir or VictoriaMetrics behind a gateway. Values are secrets: never logged or shown.
    /// </summary>
    public List<X0tta6bl4.Ops.Metrics.Settings.HeaderSetting> Headers { get; set; } = [];

    /// <summary>
    /// A query whose whole GET URL would be longer than this is POSTed as a form instead (every engine we know
    /// takes both; GET is what query-frontend caches and read-only gateways expect). 0 POSTs every query.
    /// </summary>
    public int MaxGetUrlLength { get; set; } = DefaultMaxGetUrlLength;

    /// <summary>
    /// Send <c>partial_response=true</c> with every query (GET or POST), so Thanos Query answers with what the stores it
    /// reached hold, and says so in <c>warnings</c>, instead of failing the query — what it does without the parameter
    /// when started with --no-query.partial-response. The answer's warnings mark the poll's figures partial.
    /// Prometheus, Mimir and VictoriaMetrics ignore the parameter.
    /// </summary>
    public bool PartialResponse { get; set; }

    /// <summary>Under the 4 KiB request line many proxies allow (nginx's large_client_header_buffers is 8 KiB).</summary>
    public const int DefaultMaxGetUrlLength = 2048;
}

public sealed class RedisSourceOptions
{
    /// <summary>host:port of the Redis to watch; empty disables the source. Default: the stack's Redis.</summary>
    public string Endpoint { get; set; } = "127.0.0.1:56379";

    /// <summary>ACL user name (Redis 6+); empty means the default user, or only a password (requirepass).</summary>
    public string? User { get; set; }

    /// <summary>AUTH password, if Redis wants one (set it from the environment, never in a file).</summary>
    public string? Password { get; set; }

    /// <summary>Speak TLS to Redis (a server started with tls-port).</summary>
    public bool Tls { get; set; }

    /// <summary>With <see cref="Tls"/>: a CA certificate file (PEM) to trust for Redis's certificate when the machine does not; empty uses the machine's store.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>The instance label of its series.</summary>
    public string Name { get; set; } = "redis";

    public int IntervalSeconds { get; set; } = 15;

    public int TimeoutSeconds { get; set; } = 5;
}

public sealed class PostgresSourceOptions
{
    /// <summary>Npgsql connection string of the server to watch (a role with pg_monitor is enough); empty disables the source. Default: the stack's PostgreSQL.</summary>
    public string Connection { get; set; } = "Host=127.0.0.1;Port=55432;Username=postgres;Database=x0tta6bl4";

    /// <summary>The instance label of its series.</summary>
    public string Name { get; set; } = "postgres";

    public int IntervalSeconds { get; set; } = 15;

    public int TimeoutSeconds { get; set; } = 5;

    /// <summary>statement_timeout for the statistics queries.</summary>
    public int StatementTimeoutMs { get; set; } = 2000;

    /// <summary>How many statements (by total time) to follow from pg_stat_statements.</summary>
    public int TopStatements { get; set; } = 10;
}
