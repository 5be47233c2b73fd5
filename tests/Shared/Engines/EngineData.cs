using System.Globalization;
using System.Text;

namespace X0tta6bl4.Ops.Tests.Engines;

/// <summary>
/// An hour of 15-s samples shaped like the stack's series (request histograms and counters of two pods, process
/// and pool gauges, Prometheus's own, scrape health), to give two engines exactly the same samples. Counters grow
/// linearly, so a rate is the same number however an engine treats the window's edges (Prometheus extrapolates,
/// VictoriaMetrics uses the sample before the window); values have at most 12 significant digits, which
/// VictoriaMetrics keeps exactly.
/// </summary>
public sealed class EngineData
{
    public const int StepSeconds = 15;
    public const int Points = 240;

    private static readonly string[] Pods = ["10.0.0.1:8080", "10.0.0.2:8080"];
    private static readonly string[] Endpoints = ["/api/v1/status", "/api/v1/meshes/{meshId}/topology"];
    private static readonly (string Le, int PerStep)[] Buckets =
        [("0.005", 2), ("0.01", 7), ("0.025", 15), ("0.05", 24), ("0.1", 31), ("0.25", 36), ("0.5", 38), ("1", 39), ("+Inf", 40)];

    private readonly List<(string Family, string Labels, Func<int, double> Value)> _series = [];

    public EngineData(long startSeconds)
    {
        StartSeconds = startSeconds - startSeconds % StepSeconds;
        for (var p = 0; p < Pods.Length; p++)
        {
            var pod = Pods[p];
            var target = $"job=\"api\",instance=\"{pod}\"";
            for (var e = 0; e < Endpoints.Length; e++)
            {
                var scale = 1 + p + 2 * e;
                foreach (var (le, perStep) in Buckets)
                {
                    _series.Add(("x0tta6bl4_request_duration_seconds_bucket", $"{target},endpoint=\"{Endpoints[e]}\",le=\"{le}\"", i => 500 + perStep * scale * i));
                }

                foreach (var (status, perStep) in new[] { ("200", 36), ("404", 3), ("500", 1) })
                {
                    _series.Add(("x0tta6bl4_requests_total", $"{target},endpoint=\"{Endpoints[e]}\",status=\"{status}\"", i => 1000 + perStep * scale * i));
                }
            }

            foreach (var (le, perStep) in new[] { ("0.001", 5), ("0.01", 9), ("0.1", 10), ("+Inf", 10) })
            {
                _series.Add(("x0tta6bl4_db_query_duration_seconds_bucket", $"{target},query=\"select\",le=\"{le}\"", i => 20 + perStep * i));
            }

            _series.Add(("process_cpu_seconds_total", target, i => 100 + 0.75 * (p + 1) * i));
            _series.Add(("process_start_time_seconds", target, _ => 1_790_000_000 + p));
            _series.Add(("process_resident_memory_bytes", target, i => 120_000_000 + 4096 * (i % 7) + 1_000_000 * p));
            _series.Add(("x0tta6bl4_db_pool_connections_busy", target, i => (i + p) % 5));
            _series.Add(("x0tta6bl4_db_pool_connections_max", target, _ => 9));
            _series.Add(("scrape_duration_seconds", target, i => (12 + (i + p) % 3) / 1000.0));
            _series.Add(("up", target, _ => 1));
        }

        var self = "job=\"prometheus\",instance=\"127.0.0.1:9090\"";
        _series.Add(("prometheus_tsdb_head_series", self, i => 5000 + i));
        _series.Add(("prometheus_tsdb_head_samples_appended_total", self, i => 1_000_000 + 330 * i));
        _series.Add(("scrape_duration_seconds", self, _ => 0.004));
        _series.Add(("up", self, _ => 1));
    }

    public long StartSeconds { get; }

    /// <summary>The time of point <paramref name="i"/>.</summary>
    public DateTimeOffset At(int i) => DateTimeOffset.FromUnixTimeSeconds(StartSeconds + (long)i * StepSeconds);

    /// <summary>For promtool's backfill: one family at a time, each series in time order, seconds, "# EOF".</summary>
    public string OpenMetrics()
    {
        var text = new StringBuilder();
        foreach (var family in _series.GroupBy(s => s.Family))
        {
            foreach (var (name, labels, value) in family)
            {
                for (var i = 0; i < Points; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {Format(value(i))} {StartSeconds + (long)i * StepSeconds}\n");
                }
            }
        }

        return text.Append("# EOF\n").ToString();
    }

    /// <summary>For VictoriaMetrics' /api/v1/import/prometheus: the same samples, millisecond timestamps.</summary>
    public string PrometheusText()
    {
        var text = new StringBuilder();
        foreach (var (name, labels, value) in _series)
        {
            for (var i = 0; i < Points; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name}{{{labels}}} {Format(value(i))} {(StartSeconds + (long)i * StepSeconds) * 1000}\n");
            }
        }

        return text.ToString();
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
