using System.Globalization;
using System.Text;
using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Collector.Sources.Scrape;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// One direct-scrape poll cycle (parse + derive canonical series) over an exposition of 10,000
/// series, against a reference that only splits the same text into lines (the least any parser does).
/// </summary>
internal static class CollectorBenchmark
{
    private const int Series = 10_000;

    public static int Run()
    {
        var first = Exposition(Series, 1);
        var second = Exposition(Series, 2);
        var derivation = new ScrapeDerivation("api", "pod", TimeSpan.FromSeconds(60),
            CollectorOptions.DefaultLatencyHistograms, CollectorOptions.DefaultRequestCounters);
        long t = 0;
        derivation.Derive(ExpositionParser.Parse(first), t);

        var poll = Figures.Measure(() =>
        {
            t += 15_000;
            derivation.Derive(ExpositionParser.Parse(t % 30_000 == 0 ? first : second), t);
        }, iterations: 20);
        var reference = Figures.Measure(() => _ = first.Split('\n').Length, iterations: 20);

        Figures.Print("series_exposed", Series, "0");
        Figures.Print("exposition_bytes", Encoding.UTF8.GetByteCount(first), "0");
        Figures.Print("poll_cpu_ms", poll.CpuMs, "0.00");
        Figures.Print("poll_allocated_mb", poll.AllocatedBytes / 1024 / 1024, "0.00");
        Figures.Print("core_share_at_15s_percent", poll.CpuMs / 15_000 * 100, "0.000");
        Figures.Print("reference_split_lines_cpu_ms", reference.CpuMs, "0.00");
        Figures.Print("poll_vs_split_lines_ratio", poll.CpuMs / Math.Max(reference.CpuMs, 0.001), "0.0");
        return 0;
    }

    /// <summary>A prometheus-net-like exposition: request histograms per endpoint (44 buckets each) and counters, padded with gauges.</summary>
    internal static string Exposition(int series, int scale, int endpoints = 100)
    {
        var text = new StringBuilder();
        var written = 0;
        text.AppendLine("# TYPE x0tta6bl4_request_duration_seconds histogram");
        for (var endpoint = 0; endpoint < endpoints && written < series; endpoint++)
        {
            double cumulative = 0;
            for (var b = 0; b < 43; b++)
            {
                cumulative += scale * (b + endpoint % 7);
                text.Append(CultureInfo.InvariantCulture, $"x0tta6bl4_request_duration_seconds_bucket{{method=\"GET\",endpoint=\"/api/v1/r{endpoint}\",le=\"{0.001 * Math.Pow(1.25, b):R}\"}} {cumulative}\n");
                written++;
            }

            text.Append(CultureInfo.InvariantCulture, $"x0tta6bl4_request_duration_seconds_bucket{{method=\"GET\",endpoint=\"/api/v1/r{endpoint}\",le=\"+Inf\"}} {cumulative + scale}\n");
            text.Append(CultureInfo.InvariantCulture, $"x0tta6bl4_requests_total{{method=\"GET\",endpoint=\"/api/v1/r{endpoint}\",status=\"200\"}} {cumulative + scale}\n");
            written += 2;
        }

        text.AppendLine("# TYPE mesh_node_latency_seconds gauge");
        for (var i = 0; written < series; i++, written++)
        {
            text.Append(CultureInfo.InvariantCulture, $"mesh_node_latency_seconds{{node=\"node-{i}\",mesh=\"m{i % 10}\"}} {0.001 * (i % 100) * scale}\n");
        }

        text.AppendLine("process_cpu_seconds_total " + (12.5 * scale).ToString(CultureInfo.InvariantCulture));
        text.AppendLine("process_resident_memory_bytes 104857600");
        return text.ToString();
    }
}
