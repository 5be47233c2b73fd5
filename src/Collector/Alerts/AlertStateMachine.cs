using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Collector.Alerts;

/// <summary>What an evaluation changed for one alert.</summary>
public enum AlertTransition
{
    None,
    Started,   // → pending
    Fired,     // pending → firing
    Resolved,  // pending or firing → resolved
}

/// <summary>
/// Pending when the condition first holds, firing once it has held for the rule's duration, resolved
/// when it stops holding. No data keeps the state as it is: a gap is not a recovery.
/// </summary>
public static class AlertStateMachine
{
    public static (AlertState? Next, AlertTransition Transition) Step(AlertState? current, long sinceMs, bool? holds, TimeSpan @for, long nowMs)
    {
        if (holds is null)
        {
            return (current, AlertTransition.None);
        }

        if (holds == true)
        {
            return current switch
            {
                null when @for <= TimeSpan.Zero => (AlertState.Firing, AlertTransition.Fired),
                null => (AlertState.Pending, AlertTransition.Started),
                AlertState.Pending when nowMs - sinceMs >= @for.TotalMilliseconds => (AlertState.Firing, AlertTransition.Fired),
                _ => (current, AlertTransition.None),
            };
        }

        return current is null ? (null, AlertTransition.None) : (null, AlertTransition.Resolved);
    }
}
