namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>How one rule's alerts (or all of them) went in a window, for an on-call lead.</summary>
/// <param name="Fired">Alerts that fired (pending ones that cleared are no alert).</param>
/// <param name="AckMedianSeconds">Median of acknowledged − fired, over the acknowledged (0 when acknowledged while pending).</param>
/// <param name="ResolvedUnackedShare">Share of the fired that resolved before anyone acknowledged them.</param>
/// <param name="TransientShare">Share of the fired that were over within 5 minutes of firing.</param>
/// <param name="NeverAckedShare">Share of the fired nobody acknowledged (open ones included).</param>
/// <param name="FlapPercent">The highest of the rule's series' Nagios percent state change (see <see cref="AlertReview.FlapPercent"/>).</param>
/// <param name="PerShift">Alerts fired per 12-hour shift, on average over the window's shifts.</param>
public sealed record RuleReview(
    string RuleId,
    int Fired,
    double? AckMedianSeconds,
    double? AckP90Seconds,
    double? ResolveMedianSeconds,
    double? ResolveP90Seconds,
    double? ResolvedUnackedShare,
    double? TransientShare,
    double? NeverAckedShare,
    double? FlapPercent,
    double PerShift)
{
    /// <summary>Nagios's default high flap threshold for a service: above it, the rule is flapping.</summary>
    public const double FlapThresholdPercent = 20;

    public bool Flapping => FlapPercent > FlapThresholdPercent;
}

/// <summary>One 12-hour shift (00–12 or 12–24 UTC) and the alerts that fired in it.</summary>
public sealed record ShiftLoad(DateTimeOffset Start, int Fired)
{
    /// <summary>The SRE book's ceiling: at most two incidents per 12-hour shift leave time to follow each one up.</summary>
    public const int SreBookCeiling = 2;

    public bool OverCeiling => Fired > SreBookCeiling;
}

/// <summary>The alert review of a window: every rule's figures (noisiest first), all rules together, and the shifts.</summary>
public sealed record AlertReview(RuleReview All, IReadOnlyList<RuleReview> Rules, IReadOnlyList<ShiftLoad> Shifts)
{
    public static readonly TimeSpan Shift = TimeSpan.FromHours(12);

    /// <summary>An alert over within this long after firing is transient: it paged someone for nothing they could do.</summary>
    public static readonly TimeSpan Transient = TimeSpan.FromMinutes(5);

    /// <summary>Shifts with more alerts than the SRE book's ceiling.</summary>
    public int ShiftsOverCeiling => Shifts.Count(s => s.OverCeiling);

    /// <summary>The most alerts any one shift had; null when the window touches no shift.</summary>
    public int? BusiestShift => Shifts.Count == 0 ? null : Shifts.Max(s => s.Fired);

    /// <summary>Nagios keeps 21 states (20 possible changes) per service for its flap detection.</summary>
    public const int FlapHistory = 21;

    /// <summary>The spacing of the states the flap detection samples: Nagios's default check interval.</summary>
    public static readonly TimeSpan FlapCheckInterval = TimeSpan.FromMinutes(5);

    public static AlertReview From(IReadOnlyList<AlertRecord> alerts, long fromMs, long toMs)
    {
        var fired = alerts.Where(a => a.FiredMs is { } f && f >= fromMs && f <= toMs).ToList();
        var shifts = ShiftsOf(fired, fromMs, toMs);
        var history = alerts.ToLookup(a => a.RuleId);
        var rules = fired.GroupBy(a => a.RuleId)
            .Select(g => Review(g.Key, g.ToList(), shifts.Count,
                history[g.Key].GroupBy(a => a.Labels).Select(series => FlapPercent(series.ToList(), toMs)).Where(p => p is not null).Max()))
            .OrderByDescending(r => r.Fired).ThenBy(r => r.RuleId, StringComparer.Ordinal)
            .ToList();
        // All rules together flap as much as the most flapping of them.
        return new AlertReview(Review("all", fired, shifts.Count, rules.Select(r => r.FlapPercent).Max()), rules, shifts);
    }

    private static RuleReview Review(string ruleId, IReadOnlyList<AlertRecord> fired, int shifts, double? flap)
    {
        var ack = fired.Where(a => a.AckedMs is not null).Select(a => Math.Max(0, a.AckedMs!.Value - a.FiredMs!.Value) / 1000.0).ToList();
        var resolve = fired.Where(a => a.ResolvedMs is not null).Select(a => (a.ResolvedMs!.Value - a.FiredMs!.Value) / 1000.0).ToList();
        double? Share(Func<AlertRecord, bool> which) => fired.Count == 0 ? null : fired.Count(which) / (double)fired.Count;
        return new RuleReview(ruleId, fired.Count, Quantile(ack, 0.5), Quantile(ack, 0.9), Quantile(resolve, 0.5), Quantile(resolve, 0.9),
            Share(a => a.ResolvedMs is { } r && (a.AckedMs is null || a.AckedMs > r)),
            Share(a => a.ResolvedMs is { } r && r - a.FiredMs!.Value <= Transient.TotalMilliseconds),
            Share(a => a.AckedMs is null),
            flap,
            shifts == 0 ? 0 : fired.Count / (double)shifts);
    }

    /// <summary>The quantile by linear interpolation between the closest ranks (numpy's default); null for none.</summary>
    public static double? Quantile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var rank = q * (sorted.Count - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>
    /// Nagios's weighted percent state change of one alert series (a rule and its labels): its state — firing or
    /// not — sampled at <see cref="FlapHistory"/> checks <see cref="FlapCheckInterval"/> apart, ending at
    /// <paramref name="toMs"/>; each change between checks weighs from 0.75 (oldest) to 1.25 (newest), and the sum over
    /// the 20 possible changes is a percentage. Null when the series had no alert in the checks' span.
    /// </summary>
    public static double? FlapPercent(IReadOnlyList<AlertRecord> series, long toMs)
    {
        var interval = (long)FlapCheckInterval.TotalMilliseconds;
        var firstCheck = toMs - (FlapHistory - 1) * interval;
        if (!series.Any(a => a.FiredMs is { } f && f <= toMs && (a.ResolvedMs ?? long.MaxValue) >= firstCheck))
        {
            return null;
        }

        bool FiringAt(long t) => series.Any(a => a.FiredMs is { } f && f <= t && (a.ResolvedMs is not { } r || r > t));
        var changes = 0.0;
        var previous = FiringAt(firstCheck);
        for (var x = 1; x < FlapHistory; x++)
        {
            var state = FiringAt(firstCheck + x * interval);
            if (state != previous)
            {
                changes += 0.75 + (x - 1) * (1.25 - 0.75) / (FlapHistory - 2);
            }

            previous = state;
        }

        return changes * 100 / (FlapHistory - 1);
    }

    /// <summary>The 12-hour shifts (00–12, 12–24 UTC) the window touches, with the alerts fired in each.</summary>
    private static IReadOnlyList<ShiftLoad> ShiftsOf(IReadOnlyList<AlertRecord> fired, long fromMs, long toMs)
    {
        var length = (long)Shift.TotalMilliseconds;
        var shifts = new List<ShiftLoad>();
        for (var start = Math.DivRem(fromMs, length, out _) * length; start <= toMs; start += length)
        {
            shifts.Add(new ShiftLoad(DateTimeOffset.FromUnixTimeMilliseconds(start), fired.Count(a => a.FiredMs >= start && a.FiredMs < start + length)));
        }

        return shifts;
    }
}
