namespace X0tta6bl4.Ops.Metrics.Analysis;

/// <summary>Today's measured capacity figures and the planner's settings, the inputs of every projection.</summary>
/// <param name="RequestsPerSecond">Current load (all pods together).</param>
/// <param name="PerPodCapacity">Sustainable req/s of one pod (its evidence is shown beside it).</param>
/// <param name="Headroom">Spare share kept on top of the load, e.g. 0.3 for 30 %.</param>
/// <param name="CpuMillicores">CPU of all pods now; assumed proportional to load unless <see cref="Cost"/> is measured.</param>
/// <param name="MemoryPerPodBytes">Memory of one pod; assumed flat per pod.</param>
/// <param name="PoolSize">Database connections each pod's pool may open.</param>
/// <param name="MaxConnections">The database's max_connections; null when unknown.</param>
/// <param name="RedisBytes">Redis memory now; assumed proportional to load.</param>
/// <param name="RedisMaxBytes">Redis maxmemory; null for no limit.</param>
/// <param name="StorageBytes">Database size now.</param>
/// <param name="StorageGrowthPerDay">Measured daily growth at today's load; assumed proportional to load. Null when it is not
/// measured (too little size history): storage is then not projected at all, never projected as if it did not grow.</param>
/// <param name="DiskBytes">Disk available to the database.</param>
/// <param name="MaxPods">Pods the cluster can run.</param>
public sealed record CapacityInputs(
    double RequestsPerSecond,
    double PerPodCapacity,
    double Headroom,
    double CpuMillicores,
    double MemoryPerPodBytes,
    int PoolSize,
    double? MaxConnections,
    double RedisBytes,
    double? RedisMaxBytes,
    double StorageBytes,
    double? StorageGrowthPerDay,
    double DiskBytes,
    int MaxPods)
{
    /// <summary>CPU as a capacity run measured it (idle per pod plus a cost per request); null: proportional to load.</summary>
    public ResourceCost? Cost { get; init; }
}

/// <param name="StorageBytes">Null when the storage growth is not measured.</param>
public sealed record ProjectionRow(double Month, double RequestsPerSecond, int Pods, double CpuMillicores, double MemoryBytes, int DbConnections, double RedisBytes, double? StorageBytes);

/// <summary>The date each limited resource runs out under a scenario; null = not within the horizon, or not measured.</summary>
public sealed record RunOut(string Resource, string Limit, DateOnly? Date)
{
    /// <summary>The input the date would need and does not have; null when the date (or its absence) is measured.</summary>
    public string? Missing { get; init; }
}

/// <summary>
/// Growth projections, with every formula written where it is used so a planner can check a number
/// by hand. Load grows by a rate per quarter: L(m) = L₀ · (1 + g)^(m / 3) for month m.
/// </summary>
public static class CapacityProjection
{
    public const double DaysPerMonth = 365.25 / 12;

    public static double Load(CapacityInputs inputs, double quarterlyGrowth, double months) =>
        inputs.RequestsPerSecond * Math.Pow(1 + quarterlyGrowth, months / 3);

    /// <summary>pods = ⌈L · (1 + headroom) / per-pod capacity⌉, at least 1.</summary>
    public static int Pods(CapacityInputs inputs, double load) =>
        Math.Max(1, (int)Math.Ceiling(load * (1 + inputs.Headroom) / inputs.PerPodCapacity - 1e-9));

    public static ProjectionRow At(CapacityInputs inputs, double quarterlyGrowth, double months)
    {
        var load = Load(inputs, quarterlyGrowth, months);
        var factor = inputs.RequestsPerSecond > 0 ? load / inputs.RequestsPerSecond : 1;
        var pods = Pods(inputs, load);
        return new ProjectionRow(
            months,
            load,
            pods,
            inputs.Cost is { } cost ? cost.CpuMillicores(pods, load) : inputs.CpuMillicores * factor,
            pods * inputs.MemoryPerPodBytes,
            pods * inputs.PoolSize,
            inputs.RedisBytes * factor,
            Storage(inputs, quarterlyGrowth, months));
    }

    /// <summary>
    /// Storage grows by the measured daily growth scaled with load: S(m) = S₀ + d₀ · ∫₀^m (1+g)^(t/3) dt · days per month
    /// = S₀ + d₀ · days per month · 3 · ((1+g)^(m/3) − 1) / ln(1+g)   (and S₀ + d₀ · days when g = 0).
    /// Null when d₀ is not measured.
    /// </summary>
    public static double? Storage(CapacityInputs inputs, double quarterlyGrowth, double months)
    {
        if (inputs.StorageGrowthPerDay is not { } growth)
        {
            return null;
        }

        var days = months * DaysPerMonth;
        if (Math.Abs(quarterlyGrowth) < 1e-12)
        {
            return inputs.StorageBytes + growth * days;
        }

        var k = Math.Log(1 + quarterlyGrowth) / 3; // per month
        return inputs.StorageBytes + growth * DaysPerMonth * (Math.Exp(k * months) - 1) / k;
    }

    /// <summary>What a storage projection says when the growth it needs is not measured.</summary>
    public const string StorageGrowthMissing = "storage growth (less than a day of database size history)";

    public static IReadOnlyList<ProjectionRow> Project(CapacityInputs inputs, double quarterlyGrowth, IEnumerable<double> months) =>
        months.Select(m => At(inputs, quarterlyGrowth, m)).ToList();

    /// <summary>The first day each resource is over its limit, scanning day by day up to the horizon.</summary>
    public static IReadOnlyList<RunOut> RunOuts(CapacityInputs inputs, double quarterlyGrowth, DateOnly today, int horizonMonths)
    {
        var limits = new List<(string Resource, string Limit, Func<ProjectionRow, bool> Over)>
        {
            ("Pods", $"{inputs.MaxPods} pods", r => r.Pods > inputs.MaxPods),
        };
        if (inputs.StorageGrowthPerDay is not null)
        {
            limits.Add(("Storage", $"{inputs.DiskBytes / (1L << 30):0.#} GiB disk", r => r.StorageBytes > inputs.DiskBytes));
        }
        if (inputs.MaxConnections is { } max)
        {
            limits.Add(("DB connections", $"max_connections {max:0}", r => r.DbConnections > max));
        }

        if (inputs.RedisMaxBytes is { } redisMax)
        {
            limits.Add(("Redis memory", $"maxmemory {redisMax / (1L << 20):0} MiB", r => r.RedisBytes > redisMax));
        }

        var dates = limits.ToDictionary(l => l.Resource, _ => (DateOnly?)null);
        var days = (int)(horizonMonths * DaysPerMonth);
        for (var day = 0; day <= days && dates.Values.Any(d => d is null); day++)
        {
            var row = At(inputs, quarterlyGrowth, day / DaysPerMonth);
            foreach (var (resource, _, over) in limits)
            {
                if (dates[resource] is null && over(row))
                {
                    dates[resource] = today.AddDays(day);
                }
            }
        }

        var runOuts = limits.Select(l => new RunOut(l.Resource, l.Limit, dates[l.Resource])).ToList();
        if (inputs.StorageGrowthPerDay is null)
        {
            runOuts.Insert(1, new RunOut("Storage", $"{inputs.DiskBytes / (1L << 30):0.#} GiB disk", null) { Missing = StorageGrowthMissing });
        }

        return runOuts;
    }
}

/// <summary>A trend fitted to history: value = a + b·day (linear) or a·e^(b·day) (exponential), with R².</summary>
public sealed record TrendFit(string Kind, double Intercept, double Slope, double RSquared, int Points, double SpanDays)
{
    /// <summary>
    /// The quarterly growth rate the trend implies at <paramref name="atDay"/>: e^(b · days per quarter) − 1 for an
    /// exponential; b · days per quarter ÷ the trend's value that day for a straight line (NaN when that value is not positive).
    /// </summary>
    public double QuarterlyGrowth(double atDay)
    {
        var daysPerQuarter = 3 * CapacityProjection.DaysPerMonth;
        if (Kind == "exponential")
        {
            return Math.Exp(Slope * daysPerQuarter) - 1;
        }

        var value = Intercept + Slope * atDay;
        return value > 0 ? Slope * daysPerQuarter / value : double.NaN;
    }
}

public static class TrendFitting
{
    public const int MinimumPoints = 14;
    public const double MinimumSpanDays = 7;

    /// <summary>Least squares; refuses (null, with the reason) when the history is too short to extrapolate from.</summary>
    public static TrendFit? Fit(IReadOnlyList<(double Day, double Value)> history, bool exponential, out string? refusal)
    {
        refusal = null;
        var points = exponential ? history.Where(h => h.Value > 0).Select(h => (h.Day, Value: Math.Log(h.Value))).ToList() : history.ToList();
        var span = points.Count == 0 ? 0 : points.Max(p => p.Day) - points.Min(p => p.Day);
        if (points.Count < MinimumPoints || span < MinimumSpanDays)
        {
            refusal = $"{points.Count} daily points over {span:0.#} days: at least {MinimumPoints} points over {MinimumSpanDays:0} days are needed before extrapolating a trend.";
            return null;
        }

        var n = points.Count;
        var meanX = points.Average(p => p.Day);
        var meanY = points.Average(p => p.Value);
        var sxx = points.Sum(p => (p.Day - meanX) * (p.Day - meanX));
        var sxy = points.Sum(p => (p.Day - meanX) * (p.Value - meanY));
        var slope = sxx == 0 ? 0 : sxy / sxx;
        var intercept = meanY - slope * meanX;
        var ssTotal = points.Sum(p => (p.Value - meanY) * (p.Value - meanY));
        var ssResidual = points.Sum(p => Math.Pow(p.Value - (intercept + slope * p.Day), 2));
        var r2 = ssTotal == 0 ? 1 : 1 - ssResidual / ssTotal;
        return new TrendFit(exponential ? "exponential" : "linear", exponential ? Math.Exp(intercept) : intercept, slope, r2, n, span);
    }
}
