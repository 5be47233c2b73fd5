namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>
/// The store benchmark's two data sets, 50 series × 7 days × 15 s, generated once (seeded) and kept in memory
/// so that every system is given exactly the same samples; the scale benchmark makes the realistic set with more
/// series (series s repeats the shape of s mod 50) and fewer days.
/// <para><b>realistic</b>: the shapes of the stack's own series — 15 monotonic request counters (integers,
/// about 5–47 req/s with Poisson-like noise, each restarted once in the week), 15 latency quantiles (seconds to the
/// microsecond, a daily swing and noise: what HistogramQuantile gives for p50/p95/p99), 10 gauges with few
/// decimals (CPU millicores to 0.1, memory MiB to 0.01, busy pool connections as integers), 10 up series (1, with
/// a rare 0 for a poll or a few).</para>
/// <para><b>random</b>: uniform random doubles in [0, 100) at full precision — the worst case for XOR values.</para>
/// </summary>
internal sealed class StoreBenchData
{
    public const int DefaultSeries = 50;
    public const int DefaultDays = 7;
    public const long StepMs = 15_000;

    private readonly double[][] _values;

    private StoreBenchData(string name, long endMs, int days, double[][] values) => (Name, EndMs, Days, _values) = (name, endMs, days, values);

    public string Name { get; }

    public long EndMs { get; }

    public int Days { get; }

    public int Series => _values.Length;

    public int PerSeries => PerSeriesFor(Days);

    public long StartMs => EndMs - Days * 86_400_000L;

    public long Total => (long)Series * PerSeries;

    private static int PerSeriesFor(int days) => (int)(days * 86_400_000L / StepMs);

    public static StoreBenchData Create(string name, long endMs, int series = DefaultSeries, int days = DefaultDays) => name switch
    {
        "realistic" => new(name, endMs, days, Realistic(endMs - days * 86_400_000L, series, PerSeriesFor(days))),
        "random" => new(name, endMs, days, Uniform(series, PerSeriesFor(days))),
        _ => throw new ArgumentException($"unknown data set '{name}' (realistic, random)"),
    };

    /// <summary>One hour of all series at a time: the write batches, in time order.</summary>
    public IEnumerable<List<(int Series, long Ts, double Value)>> Hours()
    {
        const int perHour = (int)(3_600_000 / StepMs);
        for (var hour = 0; hour < PerSeries / perHour; hour++)
        {
            var batch = new List<(int, long, double)>(Series * perHour);
            for (var i = hour * perHour; i < (hour + 1) * perHour; i++)
            {
                for (var s = 0; s < Series; s++)
                {
                    batch.Add((s, StartMs + i * StepMs, _values[s][i]));
                }
            }

            yield return batch;
        }
    }

    private static double[][] Uniform(int series, int perSeries)
    {
        var random = new Random(16);
        return Enumerable.Range(0, series).Select(_ => Enumerable.Range(0, perSeries).Select(_ => random.NextDouble() * 100).ToArray()).ToArray();
    }

    private static double[][] Realistic(long startMs, int series, int perSeries)
    {
        var random = new Random(16);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double Daily(int i) => Math.Sin(2 * Math.PI * (startMs + i * StepMs) / 86_400_000.0);
        var values = new double[series][];
        for (var n = 0; n < series; n++)
        {
            var s = n % DefaultSeries; // the shape
            var v = values[n] = new double[perSeries];
            if (s < 15)
            {
                // A request counter: increments of rate × 15 s with Poisson-like noise; one restart in the week.
                var perStep = (5 + s * 3) * 15.0;
                var restart = random.Next(perSeries);
                double total = random.Next(1_000_000);
                for (var i = 0; i < perSeries; i++)
                {
                    var step = Math.Max(0, Math.Round(perStep * (1 + 0.3 * Daily(i)) + Normal() * Math.Sqrt(perStep)));
                    total = i == restart ? step : total + step;
                    v[i] = total;
                }
            }
            else if (s < 30)
            {
                // A latency quantile in seconds, to the microsecond.
                var baseline = 0.005 * (1 + (s - 15) % 5) * (1 + (s - 15) / 5 * 3);
                for (var i = 0; i < perSeries; i++)
                {
                    v[i] = Math.Round(baseline * (1 + 0.25 * Daily(i)) * Math.Exp(0.1 * Normal()), 6);
                }
            }
            else if (s < 40)
            {
                var kind = s % 3;
                var level = kind switch { 0 => 120.0, 1 => 300.0, _ => 6.0 };
                for (var i = 0; i < perSeries; i++)
                {
                    var value = level * (1 + 0.2 * Daily(i)) + Normal() * level * 0.05;
                    v[i] = kind switch { 0 => Math.Round(value, 1), 1 => Math.Round(value, 2), _ => Math.Clamp(Math.Round(value), 0, 20) };
                }
            }
            else
            {
                // Up: 1, and now and then down for a poll or a few.
                var down = 0;
                for (var i = 0; i < perSeries; i++)
                {
                    down = down > 0 ? down - 1 : random.Next(2_000) == 0 ? random.Next(1, 5) : 0;
                    v[i] = down > 0 ? 0 : 1;
                }
            }
        }

        return values;
    }
}
