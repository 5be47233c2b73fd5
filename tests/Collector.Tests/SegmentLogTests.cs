using X0tta6bl4.Ops.Collector.Pipeline;

namespace X0tta6bl4.Ops.Collector.Tests;

public sealed class SegmentLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-segments-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// One batch stays open in the oldest segment while many after it are done, their done marks landing in newer
    /// segments that fill up and are left behind: after a crash only the open batch comes back, not the done ones
    /// whose marks a deleted newer segment held.
    /// </summary>
    [Fact]
    public void ABatchLongOpenInTheOldestSegment_AfterACrashOnlyItComesBack_NotTheDoneOnesBesideIt()
    {
        const long max = 1024 * 1024; // segments of 256 kB
        var log = SegmentLog.Open(_dir, max, TimeProvider.System, out _);
        var first = log.Append(new byte[100], out _);
        var beside = Enumerable.Range(0, 10).Select(i => log.Append(new byte[100], out _)).ToList();
        Churn(log, 300); // into a second segment
        log.Done(beside); // their marks go into the second segment
        Churn(log, 300); // which fills, is left behind with nothing open, and a third begins

        Assert.True(Directory.GetFiles(_dir, "*.wal").Length >= 3, "the test needs three segments");
        log.Dispose(); // as a kill leaves it: every record was written to the OS when it was appended

        using var again = SegmentLog.Open(_dir, max, TimeProvider.System, out var open);
        Assert.Equal([first], open.Select(b => b.Id));
    }

    /// <summary>Batches of 1 kB, each done as soon as it is written.</summary>
    private static void Churn(SegmentLog log, int batches)
    {
        for (var i = 0; i < batches; i++)
        {
            log.Done([log.Append(new byte[1_000], out _)]);
        }
    }

    [Fact]
    public void WhenTheOpenBatchIsDone_EverySegmentBeforeTheCurrentGoes()
    {
        var log = SegmentLog.Open(_dir, 256 * 1024, TimeProvider.System, out _);
        var first = log.Append(new byte[100], out _);
        Churn(log, 200);
        log.Done([first]);

        Assert.Single(Directory.GetFiles(_dir, "*.wal"));
        log.Dispose();
        using var again = SegmentLog.Open(_dir, 256 * 1024, TimeProvider.System, out var open);
        Assert.Empty(open);
    }
}
