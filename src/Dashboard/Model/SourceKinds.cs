namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>
/// One description of each kind of source, by the <c>source</c> label its canonical series carry, so that every page,
/// tile and the report say alike where a figure came from (a pushed job was once described as a direct scrape).
/// </summary>
public static class SourceKinds
{
    public static string Describe(string? source) => source switch
    {
        "prometheus" => "Prometheus",
        "scrape" => "direct scrape of /metrics",
        X0tta6bl4.Ops.Collector.RemoteWrite.RemoteWriteIngest.SourceLabel => "Prometheus remote write",
        "postgres" => "PostgreSQL statistics (pg_stat_*)",
        "redis" => "Redis INFO",
        null or "" => "none",
        _ => source,
    };
}
