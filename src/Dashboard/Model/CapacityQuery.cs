using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>The planner's settings, as they stand in the URL. Null means "use the measured value" (or the default).</summary>
public sealed record CapacitySettings(
    double? PerPodCapacity = null,
    double CustomGrowth = 0.5,
    int? PoolSize = null,
    double Headroom = 0.3,
    int MaxPods = 10,
    double DiskGiB = 100,
    int HorizonMonths = 12)
{
    /// <summary>The one home of the defaults (the seed's 50 %/quarter custom growth, 30 % headroom, 10 pods, 100 GiB, 12 months).</summary>
    public static readonly CapacitySettings Defaults = new();

    /// <summary>The settings as a link (the page's URL, /capacity.csv) gives them: percentages as numbers, absent values as defaults.</summary>
    public static CapacitySettings FromLink(double? perPod, double? growthPercent, int? pool, double? headroomPercent, int? maxPods, double? disk, int? horizon) =>
        new(perPod, growthPercent / 100 ?? Defaults.CustomGrowth, pool, headroomPercent / 100 ?? Defaults.Headroom, maxPods ?? Defaults.MaxPods,
            disk ?? Defaults.DiskGiB, horizon ?? Defaults.HorizonMonths);

    public double CustomGrowthPercent => CustomGrowth * 100;

    public double HeadroomPercent => Headroom * 100;

    /// <summary>Every problem with the values, so a bad form value is explained and changes nothing.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (PerPodCapacity is { } p && (!double.IsFinite(p) || p <= 0))
        {
            problems.Add("Per-pod capacity must be a positive number of req/s.");
        }

        if (!double.IsFinite(CustomGrowth) || CustomGrowth is < -0.9 or > 10)
        {
            problems.Add("Custom growth must be between −90 % and 1000 % a quarter.");
        }

        if (PoolSize is < 1 or > 1000)
        {
            problems.Add("Pool size must be between 1 and 1000.");
        }

        if (!double.IsFinite(Headroom) || Headroom is < 0 or > 5)
        {
            problems.Add("Headroom must be between 0 % and 500 %.");
        }

        if (MaxPods is < 1 or > 10_000)
        {
            problems.Add("Maximum pods must be between 1 and 10,000.");
        }

        if (!double.IsFinite(DiskGiB) || DiskGiB <= 0)
        {
            problems.Add("Disk must be a positive number of GiB.");
        }

        if (HorizonMonths is < 1 or > 60)
        {
            problems.Add("The horizon must be 1 to 60 months.");
        }

        return problems;
    }
}

public sealed record Evidence(string Figure, string Value, string Source);

public sealed record Scenario(string Name, double? QuarterlyGrowth, string Basis, IReadOnlyList<ProjectionRow> Rows, IReadOnlyList<RunOut> RunOuts);

public sealed record CapacityModel(
    string? Job,
    CapacityInputs? Inputs,
    IReadOnlyList<Evidence> Evidence,
    IReadOnlyList<Scenario> Scenarios,
    IReadOnlyList<double> Months,
    string? Missing)
{
    /// <summary>Projected columns with no measured input ("redis", "storage"): shown as not measured, never as 0.</summary>
    public IReadOnlySet<string> NotMeasured { get; init; } = new HashSet<string>();

    /// <summary>Pods needed month by month under each scenario with a growth rate, and the max-pods line.</summary>
    public IReadOnlyList<ChartLine> PodLines { get; init; } = [];
}

/// <summary>Capacity from evidence in the store, and projections of it under growth scenarios.</summary>
public sealed class CapacityQuery(SeriesReader reader, X0tta6bl4.Ops.Metrics.Settings.SlaTargets slaTargets, X0tta6bl4.Ops.Metrics.LoadRuns.SqlLoadRunStore loadRuns)
{
    public async Task<CapacityModel> LoadAsync(string? job, CapacitySettings settings, CancellationToken ct = default)
    {
        var jobSources = await JobSources.LoadAsync(reader, ct);
        var jobs = jobSources.Jobs;
        (job, var source) = jobSources.Choose(job);
        var months = Enumerable.Range(1, settings.HorizonMonths / 3).Select(q => q * 3.0).Append(settings.HorizonMonths).Distinct().ToList();
        if (job is null || source is null)
        {
            return new CapacityModel(null, null, [], [], months, "No request metrics are stored yet: there is nothing to plan from.");
        }

        var now = reader.Now;
        var evidence = new List<Evidence>();
        SeriesSelector Job(string name) => SeriesSelector.Where(name, ("job", job), ("source", source));

        // Load now: the average of the last hour (steadier than one poll).
        var hour = TimeRange.Preset("1h", now);
        var lastHour = await reader.LinesAsync(Job(CanonicalSeries.ApiRequestsPerSecond), hour, _ => "rps", ct: ct);
        var hourly = SeriesReader.Sum("all", lastHour, SeriesReader.GridOf(hour)).Y.Where(v => v is not null).Select(v => v!.Value).ToList();
        if (hourly.Count == 0)
        {
            return new CapacityModel(job, null, [], [], months, $"No request rate for '{job}' in the last hour: there is no load to project.");
        }

        var load = hourly.Average();
        evidence.Add(new Evidence("Load now", Display.PerSecond(load), $"Average request rate of '{job}' over the last hour ({source})."));

        var pods = (await reader.LatestAsync(Job(CanonicalSeries.PodMemoryBytes), ct)).Where(p => now - p.Sample.Timestamp < TimeSpan.FromMinutes(5)).ToList();
        var podCount = Math.Max(1, pods.Count);
        var measured = await MeasuredCapacityAsync(job, source, ct);
        var (perPod, perPodSource) = settings.PerPodCapacity is { } given
            ? (given, "Set by you.")
            : measured is { } m
                ? (m.PerPod, m.Source)
                : await ObservedCapacityAsync(job, source, podCount, load, now, (await slaTargets.LoadAsync(ct)).Targets.P95Ms / 1000, ct);
        evidence.Add(new Evidence("Per-pod capacity", Display.PerSecond(perPod), perPodSource));

        var cpu = (await reader.LatestAsync(Job(CanonicalSeries.PodCpuMillicores), ct)).Sum(c => c.Sample.Value);
        evidence.Add(new Evidence("CPU now", Display.Millicores(cpu), $"Sum of rate(process_cpu_seconds_total) × 1000 over {podCount} pod(s)."));
        var cost = measured?.Cost;
        evidence.Add(new Evidence("CPU cost", cost is null ? "proportional to load" : $"{cost.IdleMillicoresPerPod:0} m per pod + {cost.MillicoresPerRequestPerSecond:0.###} m per req/s",
            cost?.Source ?? measured?.CostRefusal ?? "No capacity run measured CPU at several rates: CPU is projected in proportion to load, which overstates it for a pod that mostly idles."));
        var memory = pods.Count == 0 ? 0 : pods.Max(p => p.Sample.Value);
        evidence.Add(new Evidence("Memory per pod", Display.Bytes(memory), "Largest resident memory of the pods now."));

        var poolMax = await reader.LatestOneAsync(Job(CanonicalSeries.DbPoolMaxConnections), ct);
        var pool = settings.PoolSize ?? (int)(poolMax?.Sample.Value ?? 20);
        evidence.Add(new Evidence("Pool size per pod", pool.ToString(), settings.PoolSize is null
            ? poolMax is null ? "Not reported by the application: Npgsql's default of 20 assumed." : "x0tta6bl4_db_pool_connections_max, as the application reports it."
            : "Set by you."));

        var maxConnections = await reader.LatestOneAsync(new SeriesSelector(PostgresSeries.MaxConnections), ct);
        evidence.Add(new Evidence("max_connections", maxConnections is null ? "unknown" : $"{maxConnections.Sample.Value:0}", "SHOW max_connections, from the PostgreSQL source."));

        var redisUsed = await reader.LatestOneAsync(new SeriesSelector(RedisSeries.MemoryUsedBytes), ct);
        var redisLimited = await reader.LatestOneAsync(new SeriesSelector(RedisSeries.MemoryLimited), ct);
        var redisMax = redisLimited?.Sample.Value == 1 ? await reader.LatestOneAsync(new SeriesSelector(RedisSeries.MemoryMaxBytes), ct) : null;
        evidence.Add(new Evidence("Redis memory", redisUsed is null ? "unknown" : Display.Bytes(redisUsed.Sample.Value),
            redisMax is null ? "used_memory; maxmemory is not set (no limit)." : $"used_memory of maxmemory {Display.Bytes(redisMax.Sample.Value)}."));

        var (storage, growthPerDay, storageSource, growthSource) = await StorageAsync(now, ct);
        evidence.Add(new Evidence("Database size", storage is { } bytes ? Display.Bytes(bytes) : "not measured", storageSource));
        evidence.Add(new Evidence("Storage growth", growthPerDay is { } perDay ? $"{Display.Bytes(perDay)}/day" : "not measured", growthSource));

        var inputs = new CapacityInputs(load, perPod, settings.Headroom, cpu, memory, pool, maxConnections?.Sample.Value,
            redisUsed?.Sample.Value ?? 0, redisMax?.Sample.Value, storage ?? 0, growthPerDay, settings.DiskGiB * (1L << 30), settings.MaxPods) { Cost = cost };

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var scenarios = new List<Scenario>();
        foreach (var (name, growth, basis) in new (string, double?, string)[]
        {
            ("Conservative", 0.3, "30 % a quarter (the seed's conservative case)."),
            ("Aggressive", 1.0, "100 % a quarter (the seed's aggressive case)."),
            ("Custom", settings.CustomGrowth, $"{settings.CustomGrowth * 100:0.#} % a quarter, as you set it."),
        }.Append(await TrendAsync(job, source, now, ct)))
        {
            scenarios.Add(growth is { } g
                ? new Scenario(name, g, basis, CapacityProjection.Project(inputs, g, months), CapacityProjection.RunOuts(inputs, g, today, settings.HorizonMonths))
                : new Scenario(name, null, basis, [], []));
        }

        var notMeasured = new HashSet<string>();
        if (redisUsed is null)
        {
            notMeasured.Add("redis");
        }

        if (growthPerDay is null)
        {
            notMeasured.Add("storage");
        }

        return new CapacityModel(job, inputs, evidence, scenarios, months, null)
        {
            NotMeasured = notMeasured,
            PodLines = PodLines(inputs, scenarios, now, settings.HorizonMonths),
        };
    }

    private static IReadOnlyList<ChartLine> PodLines(CapacityInputs inputs, IReadOnlyList<Scenario> scenarios, DateTimeOffset now, int horizonMonths)
    {
        var today = now.UtcDateTime.Date;
        var months = Enumerable.Range(0, horizonMonths + 1).Select(m => (double)m).ToList();
        var x = months.Select(m => today.AddDays(m * CapacityProjection.DaysPerMonth)).ToList();
        var lines = scenarios.Where(s => s.QuarterlyGrowth is not null).Select(s => new ChartLine(s.Name, x,
            months.Select(m => (double?)CapacityProjection.At(inputs, s.QuarterlyGrowth!.Value, m).Pods).ToList())).ToList();
        lines.Add(new ChartLine("max pods", x, x.Select(_ => (double?)inputs.MaxPods).ToList()) { Dashed = true });
        return lines;
    }

    /// <summary>What the newest capacity search measured, per pod, and what CPU cost it showed; null without one.</summary>
    private sealed record Measured(double PerPod, string Source, ResourceCost? Cost, string? CostRefusal);

    /// <summary>
    /// The newest capacity search's highest sustained rate that met the SLA targets, divided by the pods of the job
    /// that served during it (as the collector saw them); with the CPU cost fitted to its steps.
    /// </summary>
    private async Task<Measured?> MeasuredCapacityAsync(string job, string source, CancellationToken ct)
    {
        if (await loadRuns.NewestCapacityAsync(ct) is not { CapacityRps: { } rate, ResultJson: { } json } record)
        {
            return null;
        }

        var run = X0tta6bl4.Ops.Load.Reports.JsonReport.Parse(json);
        var search = run.CapacitySearches.FirstOrDefault(s => s.HighestMetRate is not null);
        var (from, to) = (run.StartedAt, run.EndedAt);
        var pods = Math.Max(1, (await reader.AveragesAsync(SeriesSelector.Where(CanonicalSeries.PodMemoryBytes, ("job", job), ("source", source)), from, to, ct)).Count);
        var at = from.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        var text = $"Measured by load run {record.Id} on {at} UTC: {rate:0} req/s was the highest sustained rate with p95 ≤ {search?.TargetP95Ms:0} ms and errors ≤ {search?.TargetErrorRate * 100:0.###} %, over {pods} pod(s) of '{job}' serving during the run.";

        // CPU over each step's window (the steps of a search are ≥ several seconds: the first two seconds are left out as ramp).
        var points = new List<(double Rate, double Cpu)>();
        foreach (var step in search?.Steps ?? [])
        {
            var cpu = await reader.AveragesAsync(SeriesSelector.Where(CanonicalSeries.PodCpuMillicores, ("job", job), ("source", source)), step.StartedAt.AddSeconds(2), step.EndedAt, ct);
            if (cpu.Count > 0)
            {
                points.Add((step.AchievedRate, cpu.Sum(c => c.Average)));
            }
        }

        var cost = ResourceCost.Fit(points, pods, $"Fitted to {points.Count} steps of load run {record.Id} (CPU of the pods averaged over each step against its achieved rate).", out var refusal);
        return new Measured(rate / pods, text, cost, refusal);
    }

    /// <summary>
    /// Without a capacity run: the highest 5-minute average request rate in the last 30 days whose p95 met
    /// the SLA's p95 target in force, per pod. A floor: the pods were not pushed to saturation.
    /// </summary>
    private async Task<(double PerPod, string Source)> ObservedCapacityAsync(string job, string source, int pods, double load, DateTimeOffset now, double p95Limit, CancellationToken ct)
    {
        var month = TimeRange.Covering(now.AddDays(-30), now, 300_000);
        var grid = SeriesReader.GridOf(month);
        var rates = SeriesReader.Sum("all", await reader.LinesAsync(SeriesSelector.Where(CanonicalSeries.ApiRequestsPerSecond, ("job", job), ("source", source)), month, _ => "rps", ct: ct), grid);
        var p95 = (await reader.LinesAsync(SeriesSelector.Where(CanonicalSeries.ApiLatencySeconds, ("job", job), ("source", source), ("quantile", "0.95")), month, _ => "p95", aggregation: Aggregation.Max, ct: ct)).FirstOrDefault();
        var best = (Rate: 0.0, At: DateTime.MinValue, P95: 0.0);
        for (var i = 0; i < grid.Count; i++)
        {
            if (rates.Y[i] is { } r && p95?.Y[i] is { } latency && latency < p95Limit && r > best.Rate)
            {
                best = (r, grid[i], latency);
            }
        }

        if (best.Rate <= 0)
        {
            return (Math.Max(load / pods, 1), $"No capacity load run yet, so the observed floor: no 5-minute step in the last 30 days has both a request rate and a p95 within the SLA's {Display.Milliseconds(p95Limit)}: today's load per pod is used as a floor.");
        }

        return (best.Rate / pods,
            $"No capacity load run yet, so the observed floor: the highest 5-minute average in the last 30 days with p95 within the SLA's {Display.Milliseconds(p95Limit)}: {Display.PerSecond(best.Rate)} on {best.At:yyyy-MM-dd HH:mm} UTC (p95 {Display.Milliseconds(best.P95)}), over {pods} pod(s). A floor: the pods were not pushed to saturation.");
    }

    /// <summary>
    /// The database's size now and its daily growth, each with where it comes from; null for what is not measured: no
    /// size stored, or less than a day of size history for the growth (never a growth of 0 assumed in its place).
    /// </summary>
    private async Task<(double? Bytes, double? GrowthPerDay, string Source, string GrowthSource)> StorageAsync(DateTimeOffset now, CancellationToken ct)
    {
        var database = ApplicationDatabase.From(await reader.LatestAsync(new SeriesSelector(PostgresSeries.IndexSizeBytes), ct));
        var size = database is null ? null : await reader.LatestOneAsync(SeriesSelector.Where(PostgresSeries.SizeBytes, ("database", database)), ct);
        if (database is null || size is null)
        {
            const string none = "No size of the application's database is stored (is the PostgreSQL source configured?).";
            return (null, null, none, none);
        }

        var month = TimeRange.Covering(now.AddDays(-30), now, 3_600_000);
        var history = (await reader.LinesAsync(SeriesSelector.Where(PostgresSeries.SizeBytes, ("database", database)), month, _ => "size", ct: ct)).FirstOrDefault();
        var points = history is null ? [] : history.X.Zip(history.Y).Where(p => p.Second is not null)
            .Select(p => ((p.First - now.UtcDateTime).TotalDays, p.Second!.Value)).ToList();
        var span = points.Count < 2 ? 0 : points[^1].TotalDays - points[0].TotalDays;
        var source = $"pg_database_size('{database}'), {ApplicationDatabase.Definition}.";
        if (span < 1)
        {
            return (size.Sample.Value, null, source,
                $"Not measured: {span * 24:0.#} h of size history, and growth needs a day. Storage is not projected until then.");
        }

        var fit = TrendFitting.Fit(points, exponential: false, out _) ?? LineThrough(points);
        return (size.Sample.Value, Math.Max(0, fit.Slope), source,
            $"Slope of a straight line fitted to pg_database_size('{database}') over {span:0.#} days of history.");
    }

    /// <summary>A line through the first and last points, for histories too short for a fit worth the name.</summary>
    private static TrendFit LineThrough(List<(double Day, double Value)> points)
    {
        var slope = (points[^1].Value - points[0].Value) / (points[^1].Day - points[0].Day);
        return new TrendFit("linear", points[0].Value - slope * points[0].Day, slope, double.NaN, points.Count, points[^1].Day - points[0].Day);
    }

    /// <summary>The growth the request history shows: daily averages fitted with an exponential, or a refusal.</summary>
    private async Task<(string, double?, string)> TrendAsync(string job, string source, DateTimeOffset now, CancellationToken ct)
    {
        var range = TimeRange.Covering(now.AddDays(-90), now, 86_400_000);
        var daily = SeriesReader.Sum("all", await reader.LinesAsync(SeriesSelector.Where(CanonicalSeries.ApiRequestsPerSecond, ("job", job), ("source", source)), range, _ => "rps", ct: ct), SeriesReader.GridOf(range));
        var points = daily.X.Zip(daily.Y).Where(p => p.Second is > 0).Select(p => ((p.First - now.UtcDateTime).TotalDays, p.Second!.Value)).ToList();
        var fit = TrendFitting.Fit(points, exponential: true, out var refusal);
        if (fit is null)
        {
            return ("Fitted trend", null, "Not projected: " + refusal);
        }

        var linear = TrendFitting.Fit(points, exponential: false, out _)!;
        var growth = fit.QuarterlyGrowth(0);
        return ("Fitted trend", growth,
            $"Exponential fit to {fit.Points} daily averages over {fit.SpanDays:0} days: {growth * 100:0.#} % a quarter (R² {fit.RSquared:0.00}; a straight line fits with R² {linear.RSquared:0.00}).");
    }
}
