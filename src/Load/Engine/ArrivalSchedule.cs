namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// The intended start of every iteration of an open-model scenario: the k-th iteration starts when the rate's
/// integral reaches k (k = 0, 1, …), so a constant rate r for d seconds gives exactly r·d starts, evenly spaced,
/// and a linear ramp spaces them by the ramp — the schedule does not bend to how fast the target answers.
/// </summary>
internal sealed class ArrivalSchedule
{
    private readonly IReadOnlyList<Segment> _segments;
    private int _segment;
    private double _segmentStart;    // seconds from the scenario's start
    private double _countAtSegment;  // integral of the rate up to the segment's start
    private long _next;

    /// <summary>A stretch of <paramref name="Seconds"/> over which the rate goes linearly from <paramref name="From"/> to <paramref name="To"/>.</summary>
    public readonly record struct Segment(double Seconds, double From, double To);

    public ArrivalSchedule(IReadOnlyList<Segment> segments) => _segments = segments;

    public static ArrivalSchedule Constant(double rate, double seconds) => new([new Segment(seconds, rate, rate)]);

    public static ArrivalSchedule Ramping(double startRate, IReadOnlyList<Plans.LoadStage> stages)
    {
        var segments = new List<Segment>();
        var from = startRate;
        foreach (var stage in stages)
        {
            segments.Add(new Segment(stage.DurationSeconds, from, stage.Target));
            from = stage.Target;
        }

        return new ArrivalSchedule(segments);
    }

    public double TotalSeconds => _segments.Sum(s => s.Seconds);

    /// <summary>The planned rate at <paramref name="seconds"/> into the scenario.</summary>
    public double RateAt(double seconds)
    {
        foreach (var s in _segments)
        {
            if (seconds < s.Seconds)
            {
                return s.From + (s.To - s.From) * (seconds / s.Seconds);
            }

            seconds -= s.Seconds;
        }

        return _segments.Count > 0 ? _segments[^1].To : 0;
    }

    /// <summary>The next iteration's intended start in seconds from the scenario's start; false once the schedule is over.</summary>
    public bool TryNext(out double seconds)
    {
        while (_segment < _segments.Count)
        {
            var s = _segments[_segment];
            var slope = (s.To - s.From) / s.Seconds;
            var k = _next - _countAtSegment; // arrivals still to place, counted from this segment's start
            // Solve From·t + slope·t²/2 = k for t (the integral of the rate within the segment).
            var t = Math.Abs(slope) < 1e-12
                ? (s.From > 0 ? k / s.From : double.PositiveInfinity)
                : (-s.From + Math.Sqrt(Math.Max(0, s.From * s.From + 2 * slope * k))) / slope;
            if (t >= 0 && t < s.Seconds && !double.IsNaN(t))
            {
                _next++;
                seconds = _segmentStart + t;
                return true;
            }

            _countAtSegment += (s.From + s.To) / 2 * s.Seconds;
            _segmentStart += s.Seconds;
            _segment++;
        }

        seconds = 0;
        return false;
    }
}
