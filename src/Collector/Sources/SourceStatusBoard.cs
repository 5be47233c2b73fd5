using System.Collections.Concurrent;

namespace X0tta6bl4.Ops.Collector.Sources;

public enum SourceState
{
    /// <summary>Not polled yet.</summary>
    Unknown,
    Up,
    Down,
}

public sealed record SourceStatus(
    string Name,
    string Endpoint,
    SourceState State,
    DateTimeOffset? LastAttempt,
    DateTimeOffset? LastSuccess,
    string? LastError,
    TimeSpan? LastDuration,
    int SeriesWritten);

/// <summary>The live state of every source, for pages and alert rules (history goes to the store as source_up).</summary>
public sealed class SourceStatusBoard
{
    private readonly ConcurrentDictionary<string, SourceStatus> _statuses = new(StringComparer.Ordinal);

    public IReadOnlyList<SourceStatus> All => _statuses.Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    public SourceStatus? Get(string name) => _statuses.GetValueOrDefault(name);

    public void Register(string name, string endpoint) =>
        _statuses.TryAdd(name, new SourceStatus(name, endpoint, SourceState.Unknown, null, null, null, null, 0));

    public void Succeeded(string name, string endpoint, DateTimeOffset at, TimeSpan duration, int seriesWritten)
    {
        _statuses.AddOrUpdate(
            name,
            _ => new SourceStatus(name, endpoint, SourceState.Up, at, at, null, duration, seriesWritten),
            (_, old) => old with { State = SourceState.Up, LastAttempt = at, LastSuccess = at, LastError = null, LastDuration = duration, SeriesWritten = seriesWritten });
    }

    public void Failed(string name, string endpoint, DateTimeOffset at, TimeSpan duration, string error)
    {
        _statuses.AddOrUpdate(
            name,
            _ => new SourceStatus(name, endpoint, SourceState.Down, at, null, error, duration, 0),
            (_, old) => old with { State = SourceState.Down, LastAttempt = at, LastError = error, LastDuration = duration });
    }
}
