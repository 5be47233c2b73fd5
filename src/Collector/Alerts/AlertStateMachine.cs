using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Collector.Alerts;

/// <summary>What an evaluation changed for one alert.</summary>
public enum AlertTransition
{
    None,
    Started,   // → pending
    Fired,     // pending → firing
    Resolved,  // firing → resolved
    Cleared,   // pending → gone: it never fired, so it is no alert (Prometheus forgets such an alert too)
}

/// <summary>
/// Pending when the condition first holds, firing once it has held for the rule's duration, resolved
/// when it stops holding. A pending alert whose condition stops holding before the duration is cleared,
/// not resolved: one missed poll under a rule's <c>for</c> pages nobody and leaves no alert in the history
/// or the review's counts. No data keeps the state as it is: a gap is not a recovery.
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

        return current switch
        {
            null => (null, AlertTransition.None),
            AlertState.Pending => (null, AlertTransition.Cleared),
            _ => (null, AlertTransition.Resolved),
        };
    }
}
