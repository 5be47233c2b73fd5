namespace X0tta6bl4.Ops.Metrics.Analysis;

/// <summary>Counter arithmetic with resets handled the way Prometheus does.</summary>
public static class CounterMath
{
    /// <summary>
    /// The increase between two readings of a counter. A counter that went down was reset (the
    /// process restarted), so everything it now shows was counted since the reset.
    /// </summary>
    public static double Increase(double previous, double current) =>
        current >= previous ? current - previous : current;

    /// <summary>Per-second rate over the readings; null when fewer than two readings or no time passed.</summary>
    public static double? Rate(IReadOnlyList<(long TimestampMs, double Value)> readings)
    {
        if (readings.Count < 2)
        {
            return null;
        }

        var seconds = (readings[^1].TimestampMs - readings[0].TimestampMs) / 1000.0;
        if (seconds <= 0)
        {
            return null;
        }

        var total = 0.0;
        for (var i = 1; i < readings.Count; i++)
        {
            total += Increase(readings[i - 1].Value, readings[i].Value);
        }

        return total / seconds;
    }
}
