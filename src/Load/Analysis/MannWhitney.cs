namespace X0tta6bl4.Ops.Load.Analysis;

/// <summary>
/// The two-sided Mann–Whitney U test with the normal approximation (tie-corrected, continuity-corrected): does one
/// sample tend to hold larger values than the other? Rank-based, so a few wild seconds cannot carry it, and it makes
/// no assumption about the latency distribution's shape. Fine from about 5 values a side (a run has one per second).
/// </summary>
public static class MannWhitney
{
    public static double PValue(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n1 = x.Count, n2 = y.Count, n = n1 + n2;
        var all = x.Select(v => (Value: v, First: true)).Concat(y.Select(v => (Value: v, First: false))).OrderBy(p => p.Value).ToArray();
        double rankSumX = 0, tieTerm = 0;
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j + 1 < n && all[j + 1].Value == all[i].Value)
            {
                j++;
            }

            var rank = (i + j) / 2.0 + 1; // the mean rank of the tied run
            for (var k = i; k <= j; k++)
            {
                if (all[k].First)
                {
                    rankSumX += rank;
                }
            }

            double t = j - i + 1;
            tieTerm += t * t * t - t;
            i = j + 1;
        }

        var u = rankSumX - n1 * (n1 + 1) / 2.0;
        var mean = n1 * (double)n2 / 2;
        var variance = n1 * (double)n2 / 12 * (n + 1 - tieTerm / (n * (n - 1.0)));
        if (variance <= 0)
        {
            return 1; // every value equal: nothing to tell apart
        }

        var z = Math.Max(0, Math.Abs(u - mean) - 0.5) / Math.Sqrt(variance);
        return Math.Min(1, 2 * UpperTail(z));
    }

    /// <summary>P(Z &gt; z) for a standard normal, via erfc (Abramowitz &amp; Stegun 7.1.26, error below 1.5e-7).</summary>
    private static double UpperTail(double z)
    {
        var x = z / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        return 0.5 * poly * Math.Exp(-x * x);
    }
}
