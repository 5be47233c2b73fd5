using HdrHistogram;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>How a request ended: its HTTP status class, or no answer at all.</summary>
internal enum Outcome
{
    Status2xx,
    Status3xx,
    Status4xx,
    Status5xx,
    Error,
}

/// <summary>
/// Counts and histograms of one slice of a run (a second, a request name, a capacity step, the whole run). Not
/// thread-safe: <see cref="RunRecorder"/> guards every instance with its one lock. Histograms, never sample lists,
/// so a slice's memory is fixed however many requests it holds.
/// </summary>
internal sealed class Totals
{
    private readonly long[] _outcomes = new long[5];

    public LongHistogram Latency { get; } = HistogramCodec.Create();

    public LongHistogram ServiceTime { get; } = HistogramCodec.Create();

    public LongHistogram Lag { get; } = HistogramCodec.Create();

    public long Errors { get; private set; }

    public long Dropped { get; private set; }

    /// <summary>Requests sent but still unanswered when the run stopped (the caller, a bound or an abortOnFail threshold).</summary>
    public long Interrupted { get; private set; }

    public long LagMaxMicroseconds { get; private set; }

    public long Requests => _outcomes.Sum();

    public void Record(Outcome outcome, bool failed, long latencyUs, long serviceUs)
    {
        _outcomes[(int)outcome]++;
        if (failed)
        {
            Errors++;
        }

        HistogramCodec.Record(Latency, latencyUs);
        HistogramCodec.Record(ServiceTime, serviceUs);
    }

    public void RecordLag(long lagUs)
    {
        HistogramCodec.Record(Lag, lagUs);
        LagMaxMicroseconds = Math.Max(LagMaxMicroseconds, lagUs);
    }

    public void RecordDropped() => Dropped++;

    public void RecordInterrupted() => Interrupted++;

    public StatusCounts Counts() => new()
    {
        Status2xx = _outcomes[0],
        Status3xx = _outcomes[1],
        Status4xx = _outcomes[2],
        Status5xx = _outcomes[3],
        Error = _outcomes[4],
    };

    public void Reset()
    {
        Array.Clear(_outcomes);
        Errors = 0;
        Dropped = 0;
        Interrupted = 0;
        LagMaxMicroseconds = 0;
        Latency.Reset();
        ServiceTime.Reset();
        Lag.Reset();
    }

    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;

    public RunSummary ToSummary(double seconds, double lagLimitMs)
    {
        var lagP99 = HistogramCodec.PercentileMs(Lag, 99);
        var reasons = new List<string>();
        if (lagP99 > lagLimitMs)
        {
            reasons.Add($"generator lag p99 {lagP99:0.###} ms is over the {lagLimitMs:0.###} ms limit: the generator could not keep to its schedule");
        }

        if (Dropped > 0)
        {
            reasons.Add($"{Dropped} iterations dropped: every in-flight slot (maxInFlight) was taken when they were due");
        }

        return new RunSummary
        {
            TotalRequests = Requests,
            Errors = Errors,
            ErrorRate = ErrorRate,
            AchievedRate = seconds > 0 ? Requests / seconds : 0,
            DurationSeconds = seconds,
            ByStatus = Counts(),
            Latency = Percentiles(Latency),
            ServiceTime = Percentiles(ServiceTime),
            Dropped = Dropped,
            Interrupted = Interrupted,
            GeneratorLagP99Ms = lagP99,
            GeneratorLagMaxMs = LagMaxMicroseconds / 1000.0,
            GeneratorLimited = reasons.Count > 0,
            GeneratorLimitedReason = reasons.Count > 0 ? string.Join("; ", reasons) + "." : null,
        };
    }

    public static LatencyPercentiles Percentiles(HistogramBase h) => new()
    {
        P50Ms = HistogramCodec.PercentileMs(h, 50),
        P75Ms = HistogramCodec.PercentileMs(h, 75),
        P90Ms = HistogramCodec.PercentileMs(h, 90),
        P95Ms = HistogramCodec.PercentileMs(h, 95),
        P99Ms = HistogramCodec.PercentileMs(h, 99),
        P999Ms = HistogramCodec.PercentileMs(h, 99.9),
        MaxMs = h.TotalCount == 0 ? 0 : h.GetMaxValue() / 1000.0,
        MeanMs = h.TotalCount == 0 ? 0 : h.GetMean() / 1000.0,
    };
}
