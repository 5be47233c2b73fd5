namespace X0tta6bl4.Ops.Metrics.Analysis;

public enum Comparison
{
    /// <summary>Good when the value is below the target (latency, error rate, CPU …).</summary>
    Below,

    /// <summary>Good when the value is above the target (throughput, availability …).</summary>
    Above,
}

public enum SlaStatus
{
    /// <summary>No data in the window: never reported as a pass.</summary>
    Unknown,
    Pass,
    Fail,
}

/// <summary>An objective over a window: the mean, the worst value, and the share of readings that met the target.</summary>
public sealed record SlaResult(double? Current, double? Worst, double? Compliance, int Readings, SlaStatus Status);

/// <summary>An error budget over a window.</summary>
/// <param name="BadRatio">Share of bad events (requests or minutes) in the window; null without data.</param>
/// <param name="Remaining">Share of the budget left: 1 − bad ratio ÷ (1 − objective); negative when overspent.</param>
/// <param name="MinutesLeft">(1 − objective) · window minutes − bad ratio · window minutes.</param>
public sealed record ErrorBudget(double Objective, double? BadRatio, double? Remaining, double? MinutesLeft, double WindowMinutes);

/// <summary>One multi-window burn-rate check: it fires when both windows burn faster than the factor.</summary>
public sealed record BurnRateCheck(TimeSpan Long, TimeSpan Short, double Factor, double? LongBurn, double? ShortBurn)
{
    public bool? Firing => LongBurn is null || ShortBurn is null ? null : LongBurn > Factor && ShortBurn > Factor;

    /// <summary>
    /// The slower window's burn over the factor: above 1 exactly when both windows burn faster than the factor (so an
    /// alert rule can hold it against a threshold of 1); null without data in either window.
    /// </summary>
    public double? Severity => LongBurn is { } l && ShortBurn is { } s ? Math.Min(l, s) / Factor : null;

    /// <summary>"1 h / 5 min".</summary>
    public string Windows => $"{Span(Long)} / {Span(Short)}";

    /// <summary>"5 min", "6 h", "3 d".</summary>
    public static string Span(TimeSpan span) => span.TotalDays >= 1 ? $"{span.TotalDays:0} d" : span.TotalHours >= 1 ? $"{span.TotalHours:0} h" : $"{span.TotalMinutes:0} min";
}

/// <summary>SLA and error-budget arithmetic, checkable by hand.</summary>
public static class Sla
{
    /// <summary>The page pairs of the multi-window, multi-burn-rate method: 2 % of a 30-day budget in 1 h, 5 % in 6 h.</summary>
    public static readonly IReadOnlyList<(TimeSpan Long, TimeSpan Short, double Factor)> PagePairs =
    [
        (TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), 14.4),
        (TimeSpan.FromHours(6), TimeSpan.FromMinutes(30), 6),
    ];

    /// <summary>The ticket pairs: 10 % of a 30-day budget in 1 d, 10 % in 3 d (the Google SRE workbook's, chapter 5).</summary>
    public static readonly IReadOnlyList<(TimeSpan Long, TimeSpan Short, double Factor)> TicketPairs =
    [
        (TimeSpan.FromDays(1), TimeSpan.FromHours(2), 3),
        (TimeSpan.FromDays(3), TimeSpan.FromHours(6), 1),
    ];

    /// <summary>Every pair, page pairs first.</summary>
    public static readonly IReadOnlyList<(TimeSpan Long, TimeSpan Short, double Factor)> BurnRatePairs = [.. PagePairs, .. TicketPairs];

    /// <summary>The budget period the burn-rate factors are set for.</summary>
    public static readonly TimeSpan BudgetPeriod = TimeSpan.FromDays(30);

    public static bool Meets(double value, Comparison comparison, double target) =>
        comparison == Comparison.Below ? value < target : value > target;

    /// <summary>Current = mean of the readings; worst = the highest (Below) or lowest (Above); compliance = share meeting the target.</summary>
    public static SlaResult Evaluate(IReadOnlyList<double> readings, Comparison comparison, double target)
    {
        var values = readings.Where(double.IsFinite).ToList();
        if (values.Count == 0)
        {
            return new SlaResult(null, null, null, 0, SlaStatus.Unknown);
        }

        var current = values.Average();
        var worst = comparison == Comparison.Below ? values.Max() : values.Min();
        var compliance = values.Count(v => Meets(v, comparison, target)) / (double)values.Count;
        return new SlaResult(current, worst, compliance, values.Count, Meets(current, comparison, target) ? SlaStatus.Pass : SlaStatus.Fail);
    }

    /// <summary>A budget from good and bad event counts (e.g. requests: bad = 5xx).</summary>
    public static ErrorBudget Budget(double objective, double total, double bad, TimeSpan window)
    {
        var minutes = window.TotalMinutes;
        if (total <= 0)
        {
            return new ErrorBudget(objective, null, null, null, minutes);
        }

        var badRatio = bad / total;
        var allowed = 1 - objective;
        return new ErrorBudget(objective, badRatio, 1 - badRatio / allowed, (allowed - badRatio) * minutes, minutes);
    }

    /// <summary>Burn rate = bad ratio ÷ (1 − objective): 1 spends the budget exactly over the objective's period.</summary>
    public static double? BurnRate(double objective, double total, double bad) =>
        total <= 0 ? null : bad / total / (1 - objective);
}
