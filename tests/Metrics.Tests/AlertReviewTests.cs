using X0tta6bl4.Ops.Metrics.Alerts;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>The alert review's figures, worked by hand.</summary>
public sealed class AlertReviewTests
{
    private const long Day = 1_795_132_800_000; // 2026-11-20 00:00 UTC
    private const long Minute = 60_000;

    private static AlertRecord Alert(long id, long firedMs, long? ackedMs = null, long? resolvedMs = null, string rule = "source-down", string labels = "source=\"redis\"") =>
        new(id, rule, "critical", labels, resolvedMs is null ? AlertState.Firing : AlertState.Resolved, firedMs - Minute, firedMs, resolvedMs, 0, ackedMs is null ? null : "ana", null, ackedMs);

    [Fact]
    public void ThreeAlertsAcknowledgedAfter30_60And600Seconds_HaveAMedianOf60Seconds()
    {
        var alerts = new[] { Alert(1, Day, Day + 30_000), Alert(2, Day + 3_600_000, Day + 3_660_000), Alert(3, Day + 7_200_000, Day + 7_800_000) };

        var review = AlertReview.From(alerts, Day, Day + 86_400_000);

        Assert.Equal(60, review.All.AckMedianSeconds);
        // Linear between ranks: rank 0.9 × 2 = 1.8, so 60 + 0.8 × (600 − 60) = 492.
        Assert.Equal(492, review.All.AckP90Seconds!.Value, 9);
        // The mean (230 s) would say every alert waited four minutes; two of three were answered within one.
        Assert.Equal(3, review.All.Fired);
        Assert.Null(review.All.ResolveMedianSeconds);
    }

    [Fact]
    public void Shares_CountResolvedBeforeAnyAck_TransientAndNeverAcknowledged()
    {
        var alerts = new[]
        {
            Alert(1, Day, ackedMs: Day + 30_000, resolvedMs: Day + 10 * Minute),       // answered, lasted 10 min
            Alert(2, Day + Minute, resolvedMs: Day + 3 * Minute),                        // over in 2 min, nobody looked
            Alert(3, Day + 2 * Minute, ackedMs: Day + 6 * Minute, resolvedMs: Day + 5 * Minute), // acknowledged after it was over
            Alert(4, Day + 3 * Minute),                                                  // still firing, nobody looked
        };

        var all = AlertReview.From(alerts, Day, Day + 86_400_000).All;

        Assert.Equal((4, 0.5, 0.5, 0.5), (all.Fired, all.ResolvedUnackedShare, all.TransientShare, all.NeverAckedShare));
        // Resolve times 600, 120, 180 s: median 180.
        Assert.Equal(180, all.ResolveMedianSeconds);
    }

    [Fact]
    public void FlapPercent_WeighsNewerChangesMore_AsNagiosDoes()
    {
        var end = Day + 12 * 3_600_000L;
        var checks = Enumerable.Range(0, 21).Select(i => end - (20 - i) * 5 * Minute).ToList();
        // Firing at every other check: all 20 changes, weights averaging 1: 100 %.
        var alternating = Enumerable.Range(0, 11).Select(i => Alert(i, checks[2 * i] - 1, resolvedMs: i == 10 ? null : checks[2 * i + 1] - 1)).ToList();
        // One alert firing since just before the last check: one change, the newest, weight 1.25: 6.25 %.
        var newest = new[] { Alert(1, checks[20] - 1) };
        // One alert that resolved just before the second check: one change, the oldest, weight 0.75: 3.75 %.
        var oldest = new[] { Alert(1, checks[0] - 10 * Minute, resolvedMs: checks[1] - 1) };

        Assert.Equal(100, AlertReview.FlapPercent(alternating, end)!.Value, 9);
        Assert.Equal(6.25, AlertReview.FlapPercent(newest, end)!.Value, 9);
        Assert.Equal(3.75, AlertReview.FlapPercent(oldest, end)!.Value, 9);
        Assert.Null(AlertReview.FlapPercent([Alert(1, Day, resolvedMs: Day + Minute)], end));

        var review = AlertReview.From(alternating, Day, end);
        Assert.True(review.Rules.Single().Flapping);
        Assert.Equal(100, review.All.FlapPercent!.Value, 9);
    }

    [Fact]
    public void Shifts_CountAlertsPerTwelveHours_AgainstTheSreBooksTwo_NoisiestRuleFirst()
    {
        var alerts = new[]
        {
            Alert(1, Day + 60 * Minute), Alert(2, Day + 120 * Minute), Alert(3, Day + 180 * Minute, rule: "pool"),
            Alert(4, Day + 13 * 60 * Minute),
        };

        var review = AlertReview.From(alerts, Day, Day + 86_400_000 - 1);

        Assert.Equal([3, 1], review.Shifts.Select(s => s.Fired));
        Assert.Equal([true, false], review.Shifts.Select(s => s.OverCeiling));
        Assert.Equal(2, review.All.PerShift);
        Assert.Equal(["source-down", "pool"], review.Rules.Select(r => r.RuleId));
        Assert.Equal((3, 1.5), (review.Rules[0].Fired, review.Rules[0].PerShift));
    }

    [Fact]
    public void NoAlerts_IsMissingNotZero()
    {
        var all = AlertReview.From([], Day, Day + 86_400_000).All;

        Assert.Equal(0, all.Fired);
        Assert.Null(all.AckMedianSeconds);
        Assert.Null(all.TransientShare);
        Assert.Null(all.FlapPercent);
    }
}
