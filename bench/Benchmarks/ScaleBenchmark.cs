using System.Diagnostics;
using Npgsql;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// How the PostgreSQL store's cost grows with the number of series: the realistic set (<see cref="StoreBenchData"/>)
/// at each size, same 15-s interval and days, each in a database of its own — ingest samples/s (hour batches, as
/// bench/run store writes them), bytes per sample with the tiers, and the p50 and p95 of the two range queries (1 h at 15 s
/// from raw, 24 h at 1 min) over a fixed 50 of the series, through the store, so the answer is the same size at
/// every scale and what grows is the store around it. Each figure at 10× the series is also printed as a growth factor.
/// </summary>
internal static class ScaleBenchmark
{
    public static async Task<int> RunAsync(string postgres, IReadOnlyList<int> sizes, int days, int rounds)
    {
        var end = StoreBenchmark.EndMs(DateTimeOffset.UtcNow);
        var previous = new Dictionary<string, double>();
        var previousSize = 0;
        Figures.Print("scale_days", days, "0");
        // A first pass at the smallest size, not printed: the JIT's and PostgreSQL's warm-up is no size's cost.
        await MeasureAsync(postgres, sizes[0], days, end, 5);
        foreach (var series in sizes)
        {
            var figures = await MeasureAsync(postgres, series, days, end, rounds);
            foreach (var (name, value) in figures)
            {
                Figures.Print($"scale_{series}_{name}", value, value >= 100 ? "0" : "0.00");
            }

            // Per 10× series: the figure at this size over the one at the last, to the power 1 / log10(size ratio).
            if (previousSize > 0)
            {
                var tenfold = 1 / Math.Log10(series / (double)previousSize);
                foreach (var (name, value) in figures.Where(f => f.Name != "samples"))
                {
                    Figures.Print($"scale_{name}_growth_per_10x_series_{previousSize}_to_{series}", Math.Pow(value / previous[name], tenfold), "0.00");
                }
            }

            (previous, previousSize) = (figures.ToDictionary(f => f.Name, f => f.Value), series);
        }

        return 0;
    }

    private static async Task<List<(string Name, double Value)>> MeasureAsync(string postgres, int series, int days, long end, int rounds)
    {
        var database = $"bench_scale_{series}";
        await using (var admin = NpgsqlDataSource.Create(postgres))
        {
            foreach (var sql in new[] { $"DROP DATABASE IF EXISTS {database}", $"CREATE DATABASE {database}" })
            {
                await using var command = admin.CreateCommand(sql);
                await command.ExecuteNonQueryAsync();
            }
        }

        var connection = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
        var data = StoreBenchData.Create("realistic", end, series, days);
        // A group label picks the same 50 series at every size (series s has the shape of s mod 50).
        var keys = Enumerable.Range(0, series).Select(s => SeriesKey.Of("bench_metric", ("group", $"g{s / 50}"), ("series", $"s{s:D5}"))).ToArray();
        await using var store = await PostgresMetricStore.OpenAsync(connection);
        var ingest = new Stopwatch();
        foreach (var batch in data.Hours())
        {
            var samples = batch.Select(b => new SeriesSample(keys[b.Series], b.Ts, b.Value)).ToList();
            ingest.Start();
            await store.WriteAsync(samples);
            ingest.Stop();
        }

        await using var dataSource = NpgsqlDataSource.Create(connection);
        var (withRollups, _, _) = await StoreBenchmark.PostgresBytesAsync(dataSource);
        var selector = SeriesSelector.Where("bench_metric", ("group", "g0"));
        // As the query API asks for them: the last sample in [t − step, t) at each t.
        var hour = new RangeQuery(selector, end - 3_600_000 - 15_000, end - 1, 15_000, Aggregation.Last);
        var day = new RangeQuery(selector, end - 86_400_000 - 60_000, end - 1, 60_000, Aggregation.Last);
        List<(string Name, double Value)> figures =
        [
            ("samples", data.Total),
            ("ingest_samples_per_s", data.Total / ingest.Elapsed.TotalSeconds),
            ("bytes_per_sample_with_rollups", withRollups / (double)data.Total),
        ];
        foreach (var (name, query) in new[] { ("1h_15s", hour), ("24h_1m", day) })
        {
            var (p50, p95) = await TimeAsync(store, query, rounds);
            figures.Add(($"{name}_p50_ms", p50));
            figures.Add(($"{name}_p95_ms", p95));
        }

        return figures;
    }

    /// <summary>p50 and p95 of a query's time; p50 beside the p95 asked for, the p95 of 100 rounds being one neighbour's burst on this shared machine.</summary>
    private static async Task<(double P50, double P95)> TimeAsync(IMetricStore store, RangeQuery query, int rounds)
    {
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < TimeSpan.FromSeconds(3))
        {
            await store.QueryRangeAsync(query);
        }

        var times = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            var answer = await store.QueryRangeAsync(query);
            times.Add(watch.Elapsed.TotalMilliseconds);
            if (answer.Count != 50)
            {
                throw new InvalidOperationException($"The query answered {answer.Count} series, not the 50 of group g0.");
            }
        }

        return (Figures.Percentile(times, 0.5), Figures.Percentile(times, 0.95));
    }
}
