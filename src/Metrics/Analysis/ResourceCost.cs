namespace X0tta6bl4.Ops.Metrics.Analysis;

/// <summary>
/// What serving costs, measured by a capacity run: CPU = pods · idle + per-request · load. Fitted by least squares
/// to the run's steps (total CPU of the pods over each step's window against the step's achieved rate), so a pod
/// idling at 50 m with no traffic is not projected as if its CPU grew in proportion to load.
/// </summary>
public sealed record ResourceCost(double IdleMillicoresPerPod, double MillicoresPerRequestPerSecond, int Points, double RSquared, string Source)
{
    /// <summary>CPU of <paramref name="pods"/> pods serving <paramref name="load"/> req/s.</summary>
    public double CpuMillicores(int pods, double load) => pods * IdleMillicoresPerPod + MillicoresPerRequestPerSecond * load;

    /// <summary>
    /// The fit over (achieved rate, total CPU) pairs measured with <paramref name="pods"/> pods; null (with the reason)
    /// with fewer than two distinct rates or a cost that does not grow with load.
    /// </summary>
    public static ResourceCost? Fit(IReadOnlyList<(double Rate, double CpuMillicores)> steps, int pods, string source, out string? refusal)
    {
        refusal = null;
        if (steps.Select(s => s.Rate).Distinct().Count() < 2 || pods < 1)
        {
            refusal = $"{steps.Count} step(s) with CPU measured: at least two rates are needed to tell the idle cost from the cost per request.";
            return null;
        }

        var meanX = steps.Average(s => s.Rate);
        var meanY = steps.Average(s => s.CpuMillicores);
        var sxx = steps.Sum(s => (s.Rate - meanX) * (s.Rate - meanX));
        var slope = steps.Sum(s => (s.Rate - meanX) * (s.CpuMillicores - meanY)) / sxx;
        var intercept = meanY - slope * meanX;
        if (slope <= 0)
        {
            refusal = $"CPU did not grow with the rate over the {steps.Count} steps (slope {slope:0.###} m per req/s): the run measured no cost per request.";
            return null;
        }

        var ssTotal = steps.Sum(s => (s.CpuMillicores - meanY) * (s.CpuMillicores - meanY));
        var ssResidual = steps.Sum(s => Math.Pow(s.CpuMillicores - (intercept + slope * s.Rate), 2));
        return new ResourceCost(Math.Max(0, intercept) / pods, slope, steps.Count, ssTotal == 0 ? 1 : 1 - ssResidual / ssTotal, source);
    }
}
