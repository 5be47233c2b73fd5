using System.Diagnostics;
using System.Globalization;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>Prints figures as "name: value" and measures CPU time and allocations of a piece of work.</summary>
internal static class Figures
{
    public static void Print(string name, double value, string format = "0.###") =>
        Console.WriteLine($"{name}: {value.ToString(format, CultureInfo.InvariantCulture)}");

    /// <summary>CPU milliseconds and allocated bytes per iteration, the median of <paramref name="rounds"/> rounds.</summary>
    public static (double CpuMs, double AllocatedBytes) Measure(Action work, int iterations, int rounds = 5)
    {
        work(); // warm up: JIT, caches
        var cpu = new List<double>();
        var allocated = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            GC.Collect();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var allocBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < iterations; i++)
            {
                work();
            }

            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds / iterations);
            allocated.Add((GC.GetAllocatedBytesForCurrentThread() - allocBefore) / (double)iterations);
        }

        return (Percentile(cpu, 0.5), Percentile(allocated, 0.5));
    }

    /// <summary>The value at quantile <paramref name="q"/>: index ⌊count · q⌋ of the values sorted (in place).</summary>
    public static double Percentile(List<double> values, double q)
    {
        values.Sort();
        return values[Math.Min((int)(values.Count * q), values.Count - 1)];
    }
}
