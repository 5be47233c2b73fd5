using X0tta6bl4.Ops.Collector.Sources;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Tests;

/// <summary>A source whose sample is its own poll count: the store should end up with each number exactly once.</summary>
internal sealed class CountingSource : ISource
{
    public int Polls;
    public string Name => "counting";
    public string Endpoint => "in-process";
    public TimeSpan Interval => TimeSpan.FromMilliseconds(200);
    public TimeSpan Timeout => TimeSpan.FromSeconds(5);

    public Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref Polls);
        return Task.FromResult<IReadOnlyList<SeriesSample>>([new SeriesSample(SeriesKey.Of("poll_number"), timestampMs, n)]);
    }
}
