namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>What the executors share with the per-second ticker: the request budget, in-flight count and the current plan point.</summary>
internal sealed class RunState(long maxRequests)
{
    private long _budget = maxRequests;
    private int _inFlight;
    private int _targetVus;
    private volatile string _scenario = "";

    public int InFlight => Volatile.Read(ref _inFlight);

    public string Scenario
    {
        get => _scenario;
        set => _scenario = value;
    }

    /// <summary>The open model's planned rate now (0 for the closed model).</summary>
    public double TargetRate { get; set; }

    /// <summary>The closed model's VU target now (0 for the open model).</summary>
    public int TargetVus
    {
        get => Volatile.Read(ref _targetVus);
        set => Volatile.Write(ref _targetVus, value);
    }

    /// <summary>True once MaxRequests requests have been sent.</summary>
    public bool BudgetSpent => Volatile.Read(ref _budget) <= 0;

    /// <summary>Takes one request from the MaxRequests budget; false when it is spent.</summary>
    public bool TryTakeRequest() => Interlocked.Decrement(ref _budget) >= 0;

    /// <summary>Takes an in-flight slot if fewer than <paramref name="max"/> are taken.</summary>
    public bool TryTakeSlot(int max)
    {
        if (Interlocked.Increment(ref _inFlight) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _inFlight);
        return false;
    }

    public void EnterRequest() => Interlocked.Increment(ref _inFlight);

    public void ReleaseSlot() => Interlocked.Decrement(ref _inFlight);
}
