using Microsoft.Extensions.Logging.Abstractions;
using X0tta6bl4.Ops.Dashboard.Reports;

namespace X0tta6bl4.Ops.Dashboard.Tests.Reports;

public class ReportScheduleTests
{
    [Fact]
    public async Task Daily_SavesOncePerDay_AndAgainADayLater()
    {
        await using var f = await ReportFixture.CreateAsync();
        await f.WriteTwoDaysAsync();
        f.Options.Schedule = "daily";
        var ct = TestContext.Current.CancellationToken;
        ReportSchedule Schedule() => new(Microsoft.Extensions.Options.Options.Create(f.Options), f.Builder(), f.Reports, f.Store.State, f.Store.Time, NullLogger<ReportSchedule>.Instance);

        var first = await Schedule().RunOnceAsync(ct);
        Assert.NotNull(first);
        // A second dashboard (another schedule) an hour later finds the day's report in the store and saves none.
        f.Store.Time.Advance(TimeSpan.FromHours(1));
        Assert.Null(await Schedule().RunOnceAsync(ct));

        f.Store.Time.Advance(TimeSpan.FromHours(24));
        var second = await Schedule().RunOnceAsync(ct);
        Assert.NotNull(second);
        var saved = await f.Reports.ListAsync(10, ct);
        Assert.Equal(2, saved.Count);
        Assert.All(saved, s => Assert.Equal(ReportSchedule.SavedBy, s.SavedBy));
        Assert.Contains("window=24h", saved[0].Query);
    }
}
