using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Catalog;

/// <summary>
/// Ratios alert rules and pages need, computed from one poll's own samples (same source, same
/// moment), so numerator and denominator always belong together.
/// </summary>
public static class DerivedSeries
{
    /// <summary>5xx requests ÷ all requests; labels job, source.</summary>
    public const string ApiErrorRatio = "api_error_ratio";

    /// <summary>Pool connections in use ÷ pool maximum; labels job, pod, source.</summary>
    public const string DbPoolUsageRatio = "db_pool_usage_ratio";

    /// <summary>used_memory ÷ maxmemory, only where a limit is set; labels instance, source.</summary>
    public const string RedisMemoryUsageRatio = "redis_memory_usage_ratio";

    public static IReadOnlyList<SeriesSample> From(IReadOnlyList<SeriesSample> samples)
    {
        var derived = new List<SeriesSample>();
        foreach (var group in samples.Where(s => s.Key.Name == CanonicalSeries.ApiRequestsPerSecond)
                     .GroupBy(s => (Job: s.Key["job"], Source: s.Key["source"], s.TimestampMs)))
        {
            var total = group.Sum(s => s.Value);
            if (total > 0)
            {
                var errors = group.Where(s => s.Key["class"] == "5xx").Sum(s => s.Value);
                derived.Add(new SeriesSample(SeriesKey.Of(ApiErrorRatio, ("job", group.Key.Job ?? ""), ("source", group.Key.Source ?? "")), group.Key.TimestampMs, errors / total));
            }
        }

        foreach (var busy in samples.Where(s => s.Key.Name == CanonicalSeries.DbPoolConnections))
        {
            var max = samples.FirstOrDefault(s => s.Key.Name == CanonicalSeries.DbPoolMaxConnections && s.TimestampMs == busy.TimestampMs
                && s.Key["job"] == busy.Key["job"] && s.Key["pod"] == busy.Key["pod"] && s.Key["source"] == busy.Key["source"]);
            if (max.Key is not null && max.Value > 0)
            {
                derived.Add(new SeriesSample(SeriesKey.Of(DbPoolUsageRatio, ("job", busy.Key["job"] ?? ""), ("pod", busy.Key["pod"] ?? ""), ("source", busy.Key["source"] ?? "")),
                    busy.TimestampMs, busy.Value / max.Value));
            }
        }

        foreach (var used in samples.Where(s => s.Key.Name == RedisSeries.MemoryUsedBytes))
        {
            var max = samples.FirstOrDefault(s => s.Key.Name == RedisSeries.MemoryMaxBytes && s.Key["instance"] == used.Key["instance"] && s.TimestampMs == used.TimestampMs);
            if (max.Key is not null && max.Value > 0)
            {
                derived.Add(new SeriesSample(SeriesKey.Of(RedisMemoryUsageRatio, ("instance", used.Key["instance"] ?? ""), ("source", "redis")), used.TimestampMs, used.Value / max.Value));
            }
        }

        return derived;
    }
}
