using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Reports.Sections;

/// <summary>Up/down history of one component: its outages and the figures reliability engineering uses.</summary>
/// <param name="ObservedSeconds">Time covered by steps with data.</param>
public sealed record OutageSummary(int Outages, double DowntimeSeconds, double ObservedSeconds)
{
    /// <summary>Mean time to recover: mean outage length; null without an outage.</summary>
    public double? MttrSeconds => Outages == 0 ? null : DowntimeSeconds / Outages;

    /// <summary>Mean time to failure: time up ÷ failures; null without an outage.</summary>
    public double? MttfSeconds => Outages == 0 ? null : (ObservedSeconds - DowntimeSeconds) / Outages;

    public double? Availability => ObservedSeconds <= 0 ? null : 1 - DowntimeSeconds / ObservedSeconds;
}

/// <summary>
/// Outages from a 0/1 series read as the minimum per step: a step whose lowest reading is below 1 is down;
/// consecutive down steps (steps without data neither end nor extend an outage) are one outage, as long as
/// its steps. The resolution is the step: an outage shorter than a step counts as one step.
/// </summary>
public static class Outages
{
    public static OutageSummary From(IReadOnlyList<Sample> minimumPerStep, long stepMs)
    {
        var outages = 0;
        var downSteps = 0;
        var wasDown = false;
        foreach (var step in minimumPerStep.OrderBy(p => p.TimestampMs))
        {
            var down = step.Value < 1;
            if (down)
            {
                downSteps++;
                if (!wasDown)
                {
                    outages++;
                }
            }

            wasDown = down;
        }

        var stepSeconds = stepMs / 1000.0;
        return new OutageSummary(outages, downSteps * stepSeconds, minimumPerStep.Count * stepSeconds);
    }

    /// <summary>A step fine enough to see short outages and within the store's 11,000 steps per read: 1 min up to 7 days.</summary>
    public static long StepFor(TimeSpan window)
    {
        foreach (var step in new long[] { 60_000, 300_000, 900_000, 3_600_000 })
        {
            if (window.TotalMilliseconds / step <= 10_800)
            {
                return step;
            }
        }

        return 86_400_000;
    }
}
