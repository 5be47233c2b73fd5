namespace X0tta6bl4.Ops.Metrics.Analysis;

/// <summary>
/// How much each of a set of counters gained since the previous poll. A counter that went down was reset and
/// counts its new value (<see cref="CounterMath.Increase"/>); a counter never seen before counts from zero;
/// on the first poll there is no previous reading, so nothing is answered.
/// </summary>
/// <remarks>
/// A counter missing from a poll (a target that failed one scrape goes stale in Prometheus) keeps its last
/// reading, and when it comes back its increase is measured from that reading. Counting it from zero instead
/// would add its whole lifetime count — millions of requests for a busy Api — to one poll. A counter unseen
/// for <paramref name="forgetAfter"/> is forgotten (pods come and go), and counts from zero if it returns.
/// </remarks>
public sealed class PollIncreases(TimeSpan forgetAfter)
{
    private readonly long _forgetAfterMs = (long)forgetAfter.TotalMilliseconds;
    private readonly Dictionary<string, Reading> _last = new(StringComparer.Ordinal);
    private bool _polled;

    private readonly record struct Reading(double Value, long SeenMs);

    /// <summary>Forgets every reading: the next poll is a first poll again (someone else polled in between, so differencing would count twice).</summary>
    public void Restart()
    {
        _last.Clear();
        _polled = false;
    }

    /// <summary>
    /// Takes this poll's readings (counter id → cumulative value; non-finite values are ignored) and answers the
    /// increase of each counter read, or null on the first poll.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Advance(long timestampMs, IReadOnlyDictionary<string, double> readings)
    {
        var first = !_polled;
        _polled = true;
        var increases = new Dictionary<string, double>(readings.Count, StringComparer.Ordinal);
        foreach (var (id, value) in readings)
        {
            if (!double.IsFinite(value))
            {
                continue;
            }

            if (!first)
            {
                increases[id] = _last.TryGetValue(id, out var last) ? CounterMath.Increase(last.Value, value) : value;
            }

            _last[id] = new Reading(value, timestampMs);
        }

        foreach (var id in _last.Where(e => timestampMs - e.Value.SeenMs > _forgetAfterMs).Select(e => e.Key).ToList())
        {
            _last.Remove(id);
        }

        return first ? null : increases;
    }
}
