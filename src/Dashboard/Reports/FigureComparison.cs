using X0tta6bl4.Ops.Load.Analysis;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>
/// Decides whether a figure really changed against its comparison. With at least <see cref="MinimumSteps"/>
/// per-step readings on both sides, a change is real when the two-sided Mann-Whitney test on the step readings
/// gives p &lt; <see cref="Alpha"/> and the figure moved by at least <see cref="MinimumChangePercent"/> %; without
/// step readings on both sides (a load run's figure, a single size) only a move of
/// <see cref="MinimumChangeWithoutStepsPercent"/> % or more counts.
/// </summary>
public static class FigureComparison
{
    public const int MinimumSteps = 5;
    public const double Alpha = 0.01;
    public const double MinimumChangePercent = 5;
    public const double MinimumChangeWithoutStepsPercent = 10;

    public const string Rule =
        "A change is real when the per-step readings of the two windows differ by a two-sided Mann-Whitney test at p < 0.01 " +
        "and the figure moved by 5 % or more; where either side has fewer than 5 step readings (a load run, a single value), " +
        "a move of 10 % or more counts. Anything else is \"no real change\".";

    /// <summary>The figure with its comparison value and verdict set from <paramref name="other"/> (null: nothing to compare).</summary>
    public static Figure Compare(Figure figure, Figure? other)
    {
        if (!figure.Measured)
        {
            return figure with { Compared = other?.Value, Verdict = Verdict.NotMeasured };
        }

        if (other?.Value is not { } compared || figure.Value is not { } value)
        {
            return figure with { Compared = other?.Value, Verdict = Verdict.NoComparison };
        }

        var change = compared == 0 ? (value == 0 ? 0 : double.PositiveInfinity) : Math.Abs(value - compared) / Math.Abs(compared) * 100;
        double? p = null;
        bool real;
        if (figure.Steps.Count >= MinimumSteps && other.Steps.Count >= MinimumSteps)
        {
            p = MannWhitney.PValue(figure.Steps, other.Steps);
            real = p < Alpha && change >= MinimumChangePercent;
        }
        else
        {
            real = change >= MinimumChangeWithoutStepsPercent;
        }

        var verdict = !real ? Verdict.NoRealChange
            : figure.Better == Better.Neither ? Verdict.Changed
            : (value < compared) == (figure.Better == Better.Lower) ? Verdict.Better : Verdict.Worse;
        return figure with { Compared = compared, Verdict = verdict, PValue = p };
    }

    /// <summary>Every figure of <paramref name="sections"/> compared with the figure of the same id among <paramref name="others"/>.</summary>
    public static IReadOnlyList<ReportSection> CompareAll(IEnumerable<ReportSection> sections, IEnumerable<Figure> others)
    {
        var byId = others.GroupBy(f => f.Id).ToDictionary(g => g.Key, g => g.First());
        return sections.Select(s => s with { Figures = s.Figures.Select(f => Compare(f, byId.GetValueOrDefault(f.Id))).ToList() }).ToList();
    }

    public static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.NotMeasured => "not measured",
        Verdict.NoComparison => "—",
        Verdict.NoRealChange => "no real change",
        Verdict.Better => "better",
        Verdict.Worse => "worse",
        _ => "changed",
    };
}
