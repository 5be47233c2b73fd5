using X0tta6bl4.Ops.Dashboard.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests;

public class TimeRangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Preset_CoversTheLastHoursOnWholeSteps()
    {
        var range = TimeRange.Parse("6h", null, null, Now.AddSeconds(70), out var problem);

        Assert.Null(problem);
        Assert.Equal(120_000, range.StepMs);                       // 6 h / 240 = 90 s → 2 min
        Assert.Equal(Now.AddHours(-6), range.From);                 // 21:01:10 rounded down to 21:00
        Assert.Equal(Now.AddMinutes(2).AddMilliseconds(-1), range.To); // the step holding 03:01:10 ends at 03:01:59.999
        Assert.Equal(0, range.FromMs % range.StepMs);
    }

    [Theory]
    [InlineData("15m", 30_000)]
    [InlineData("1h", 30_000)]
    [InlineData("24h", 600_000)]
    [InlineData("7d", 3_600_000)]
    [InlineData("30d", 10_800_000)]
    public void Step_IsReadableAtMost240PointsAndAtLeast30Seconds(string key, long expectedMs) =>
        Assert.Equal(expectedMs, TimeRange.Preset(key, Now).StepMs);

    [Fact]
    public void Custom_IsReadAsUtc()
    {
        var range = TimeRange.Parse("custom", "2026-11-26 22:00", "2026-11-27T01:30:00Z", Now, out var problem);

        Assert.Null(problem);
        Assert.True(range.IsCustom);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 22, 0, 0, TimeSpan.Zero), range.From);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 1, 30, 59, 999, TimeSpan.Zero), range.To); // 3.5 h / 240 → 1 min steps
    }

    [Theory]
    [InlineData("custom", "2026-11-27", "2026-11-26")]    // ends before it starts
    [InlineData("custom", "yesterday", "2026-11-26")]     // not a time
    [InlineData("custom", "2024-01-01", "2026-11-26")]    // longer than 400 days
    [InlineData("90d", null, null)]                       // not a preset
    public void Unreadable_FallsBackTo15MinutesAndSaysWhy(string key, string? from, string? to)
    {
        var range = TimeRange.Parse(key, from, to, Now, out var problem);

        Assert.NotNull(problem);
        Assert.Equal("15m", range.Key);
        Assert.InRange(range.Length, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(16));
    }

    [Fact]
    public void WeekEarlier_MovesBothEnds()
    {
        var range = TimeRange.Preset("1h", Now);
        var earlier = range.WeekEarlier();

        Assert.Equal(range.To.AddDays(-7), earlier.To);
        Assert.Equal(range.Length, earlier.Length);
    }
}
