using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources;

/// <summary>
/// The samples of one poll of one instance of a source: each carries the instance and source labels, and a
/// value that is missing or NaN is left out (a gap, never a zero).
/// </summary>
public sealed class SourceSamples(string instance, string source, long timestampMs)
{
    private readonly List<SeriesSample> _samples = [];

    public IReadOnlyList<SeriesSample> Samples => _samples;

    public void Add(string name, double? value, params (string, string)[] labels)
    {
        if (value is { } v && !double.IsNaN(v))
        {
            _samples.Add(new SeriesSample(SeriesKey.Of(name, [.. labels, ("instance", instance), ("source", source)]), timestampMs, v));
        }
    }
}
