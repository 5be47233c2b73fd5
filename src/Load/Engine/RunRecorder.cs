namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// Where every request's outcome goes: into the current second, its request name and the whole run (and a
/// capacity step's window when one is open), under one lock — a few histogram increments, far below a request's cost.
/// </summary>
internal sealed class RunRecorder
{
    private readonly object _gate = new();
    private readonly Totals _second = new();
    private readonly Totals _run = new();
    private readonly Totals[] _byName;

    public RunRecorder(int requestNames) => _byName = Enumerable.Range(0, requestNames).Select(_ => new Totals()).ToArray();

    public void Record(int request, Outcome outcome, bool failed, long latencyUs, long serviceUs, Totals? window)
    {
        lock (_gate)
        {
            _second.Record(outcome, failed, latencyUs, serviceUs);
            _run.Record(outcome, failed, latencyUs, serviceUs);
            _byName[request].Record(outcome, failed, latencyUs, serviceUs);
            window?.Record(outcome, failed, latencyUs, serviceUs);
        }
    }

    public void RecordLag(int request, long lagUs)
    {
        lock (_gate)
        {
            _second.RecordLag(lagUs);
            _run.RecordLag(lagUs);
            _byName[request].RecordLag(lagUs);
        }
    }

    public void RecordDropped(int request, Totals? window)
    {
        lock (_gate)
        {
            _second.RecordDropped();
            _run.RecordDropped();
            _byName[request].RecordDropped();
            window?.RecordDropped();
        }
    }

    /// <summary>A request the run's stop cut off: no outcome or latency, but counted, so every request sent is accounted for.</summary>
    public void RecordInterrupted(int request)
    {
        lock (_gate)
        {
            _run.RecordInterrupted();
            _byName[request].RecordInterrupted();
        }
    }

    /// <summary>Ends the current second: its snapshot, with the histograms encoded, and a fresh second.</summary>
    public SecondSnapshot CloseSecond(int index, DateTimeOffset startedAt, string scenario, double targetRate, int vus, int inFlight)
    {
        lock (_gate)
        {
            var snapshot = new SecondSnapshot
            {
                Second = index,
                StartedAt = startedAt,
                Scenario = scenario,
                TargetRate = targetRate,
                Vus = vus,
                Requests = _second.Counts(),
                Errors = _second.Errors,
                Dropped = _second.Dropped,
                InFlight = inFlight,
                GeneratorLagMaxMs = _second.LagMaxMicroseconds / 1000.0,
                LatencyHistogram = HistogramCodec.Encode(_second.Latency),
                ServiceTimeHistogram = HistogramCodec.Encode(_second.ServiceTime),
                P50Ms = HistogramCodec.PercentileMs(_second.Latency, 50),
                P95Ms = HistogramCodec.PercentileMs(_second.Latency, 95),
                P99Ms = HistogramCodec.PercentileMs(_second.Latency, 99),
            };
            _second.Reset();
            return snapshot;
        }
    }

    /// <summary>Reads the whole run's or one name's totals (null = the run) under the lock.</summary>
    public T Read<T>(int? request, Func<Totals, T> read)
    {
        lock (_gate)
        {
            return read(request is { } i ? _byName[i] : _run);
        }
    }

    /// <summary>Reads a window (a capacity step) under the lock.</summary>
    public T ReadWindow<T>(Totals window, Func<Totals, T> read)
    {
        lock (_gate)
        {
            return read(window);
        }
    }
}
