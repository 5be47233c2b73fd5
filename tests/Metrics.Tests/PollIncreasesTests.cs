using X0tta6bl4.Ops.Metrics.Analysis;

namespace X0tta6bl4.Ops.Metrics.Tests;

public class PollIncreasesTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static Dictionary<string, double> Reading(params (string Id, double Value)[] values) =>
        values.ToDictionary(v => v.Id, v => v.Value);

    [Fact]
    public void Advance_FirstPoll_AnswersNothing()
    {
        Assert.Null(new PollIncreases(Hour).Advance(0, Reading(("a", 100))));
    }

    [Fact]
    public void Advance_CountersWentUp_AnswersEachDifference()
    {
        var increases = new PollIncreases(Hour);
        increases.Advance(0, Reading(("a", 100), ("b", 40)));

        var result = increases.Advance(15_000, Reading(("a", 130), ("b", 40)))!;

        Assert.Equal(30, result["a"]);
        Assert.Equal(0, result["b"]); // No change is a measured 0, not a gap.
    }

    [Fact]
    public void Advance_CounterWentDown_CountsItsNewValue()
    {
        var increases = new PollIncreases(Hour);
        increases.Advance(0, Reading(("a", 1000)));

        // The process restarted and has counted 7 since.
        Assert.Equal(7, increases.Advance(15_000, Reading(("a", 7)))!["a"]);
    }

    [Fact]
    public void Advance_NewSeriesAfterTheFirstPoll_CountsFromZero()
    {
        var increases = new PollIncreases(Hour);
        increases.Advance(0, Reading(("a", 10)));

        var result = increases.Advance(15_000, Reading(("a", 12), ("b", 5)))!;

        Assert.Equal(2, result["a"]);
        Assert.Equal(5, result["b"]);
    }

    [Fact]
    public void Advance_SeriesDisappearsAndReturns_CountsFromItsLastReading()
    {
        var increases = new PollIncreases(Hour);
        increases.Advance(0, Reading(("a", 100), ("b", 50)));

        // b is missing (its target failed a scrape): no increase for it in this poll.
        var missing = increases.Advance(15_000, Reading(("a", 110)))!;
        Assert.False(missing.ContainsKey("b"));

        // b is back at 58: 8 more than its last reading, not 58 new observations; then a reset still counts.
        Assert.Equal(8, increases.Advance(30_000, Reading(("a", 120), ("b", 58)))!["b"]);
        Assert.Equal(3, increases.Advance(45_000, Reading(("a", 125), ("b", 3)))!["b"]);
    }

    [Fact]
    public void Advance_SeriesGoneLongerThanTheHorizon_IsForgottenAndCountsFromZero()
    {
        var increases = new PollIncreases(TimeSpan.FromMinutes(1));
        increases.Advance(0, Reading(("a", 1), ("b", 50)));
        increases.Advance(61_000, Reading(("a", 2))); // b last seen 61 s ago: forgotten

        Assert.Equal(60, increases.Advance(76_000, Reading(("a", 3), ("b", 60)))!["b"]);
    }

    [Fact]
    public void Advance_NonFiniteReading_IsIgnoredAndKeepsTheLastGoodOne()
    {
        var increases = new PollIncreases(Hour);
        increases.Advance(0, Reading(("a", 10)));

        Assert.False(increases.Advance(15_000, Reading(("a", double.NaN)))!.ContainsKey("a"));
        Assert.Equal(5, increases.Advance(30_000, Reading(("a", 15)))!["a"]);
    }

    [Fact]
    public void Restart_NextPollIsAFirstPollAgain()
    {
        var increases = new PollIncreases(Hour);
        increases.Advance(0, Reading(("a", 10)));
        increases.Restart();

        Assert.Null(increases.Advance(15_000, Reading(("a", 50))));
        Assert.Equal(1, increases.Advance(30_000, Reading(("a", 51)))!["a"]);
    }

    [Fact]
    public void SumOfIncreases_OverPollsWithAReset_EqualsTheObservationsMade()
    {
        // 0 → 40 → 90 (+50) → reset, 20 → 35: 40 + 50 + 20 + 15 = 125 observations after the first poll … minus the first 0.
        var increases = new PollIncreases(Hour);
        increases.Advance(0, Reading(("a", 0)));
        var total = 0.0;
        foreach (var (t, v) in new[] { (15_000L, 40.0), (30_000L, 90.0), (45_000L, 20.0), (60_000L, 35.0) })
        {
            total += increases.Advance(t, Reading(("a", v)))!["a"];
        }

        Assert.Equal(125, total);
    }
}
