namespace X0tta6bl4.Ops.Metrics.Analysis;

/// <summary>
/// Keeps successive readings of a set of counters and answers increases and rates over a window:
/// from the oldest reading still inside the window to the newest, resets handled per counter, a
/// counter missing from the older reading counted from zero.
/// </summary>
public sealed class CounterWindow(TimeSpan window)
{
    private readonly long _windowMs = (long)window.TotalMilliseconds;
    private readonly Queue<Reading> _history = new();

    private sealed record Reading(long TimestampMs, IReadOnlyDictionary<string, double> Values);

    /// <summary>Adds a reading; returns the change against the window's oldest reading, or null for the first.</summary>
    public CounterDelta? Advance(long timestampMs, IReadOnlyDictionary<string, double> values)
    {
        while (_history.Count > 1 && _history.Peek().TimestampMs < timestampMs - _windowMs)
        {
            _history.Dequeue();
        }

        var baseline = _history.Count > 0 && _history.Peek().TimestampMs < timestampMs ? _history.Peek() : null;
        _history.Enqueue(new Reading(timestampMs, values));
        return baseline is null ? null : new CounterDelta((timestampMs - baseline.TimestampMs) / 1000.0, baseline.Values, values);
    }
}

/// <summary>The change of counters between two readings <see cref="Seconds"/> apart.</summary>
public sealed class CounterDelta(double seconds, IReadOnlyDictionary<string, double> previous, IReadOnlyDictionary<string, double> current)
{
    public double Seconds { get; } = seconds;

    public double? Increase(string counter) =>
        current.TryGetValue(counter, out var now) ? CounterMath.Increase(previous.GetValueOrDefault(counter), now) : null;

    /// <summary>Like <see cref="Increase"/>, but null for a counter the older reading did not have (it was not followed then, not new).</summary>
    public double? IncreaseSinceKnown(string counter) => previous.ContainsKey(counter) ? Increase(counter) : null;

    public double? Rate(string counter) => Increase(counter) / Seconds;

    /// <summary>part ÷ (part + other) of the increases; null when neither moved (no data, not 0).</summary>
    public double? Ratio(string part, string other)
    {
        var a = Increase(part);
        var b = Increase(other);
        return a is null || b is null || a + b == 0 ? null : a / (a + b);
    }
}
