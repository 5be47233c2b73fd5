using X0tta6bl4.Ops.Dashboard.Model;

namespace X0tta6bl4.Ops.Dashboard.Tests;

public class TimeRangeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Preset_EndsNow()
    {
        var range = TimeRange.Parse("6h", null, null, Now, out var problem);

        Assert.Null(problem);
        Assert.Equal(Now.AddHours(-6), range.From);
        Assert.Equal(Now, range.To);
    }

    [Fact]
    public void Custom_IsReadAsUtc()
    {
        var range = TimeRange.Parse("custom", "2026-11-26 22:00", "2026-11-27T01:30:00Z", Now, out var problem);

        Assert.Null(problem);
        Assert.True(range.IsCustom);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 22, 0, 0, TimeSpan.Zero), range.From);
        Assert.Equal(TimeSpan.FromHours(3.5), range.Length);
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
        Assert.Equal(TimeSpan.FromMinutes(15), range.Length);
    }

    [Fact]
    public void WeekEarlier_MovesBothEnds()
    {
        var range = TimeRange.Preset("1h", Now).WeekEarlier();

        Assert.Equal(Now.AddDays(-7), range.To);
        Assert.Equal(TimeSpan.FromHours(1), range.Length);
    }
}
