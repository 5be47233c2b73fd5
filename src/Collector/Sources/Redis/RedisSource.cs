using X0tta6bl4.Ops.Collector.Configuration;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Collector.Sources.Redis;

/// <summary>Polls one Redis with INFO all; disposing it closes its connection.</summary>
public sealed class RedisSource : ISource, IAsyncDisposable, IDisposable
{
    private readonly RedisInfoClient _client;
    private readonly RedisDerivation _derivation;

    public RedisSource(RedisSourceOptions options, CollectorOptions collector)
    {
        _client = new RedisInfoClient(options);
        _derivation = new RedisDerivation(options.Name, TimeSpan.FromSeconds(collector.WindowSeconds));
        Name = "redis/" + options.Name;
        Endpoint = options.Endpoint;
        Interval = TimeSpan.FromSeconds(options.IntervalSeconds);
        Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
    }

    public string Name { get; }

    public string Endpoint { get; }

    public TimeSpan Interval { get; }

    public TimeSpan Timeout { get; }

    public async Task<IReadOnlyList<SeriesSample>> CollectAsync(long timestampMs, CancellationToken cancellationToken)
    {
        var text = await _client.InfoAsync(cancellationToken);
        RedisInfo info;
        try
        {
            info = RedisInfo.Parse(text);
        }
        catch (FormatException e)
        {
            throw new SourceException($"Redis at {Endpoint} sent an INFO reply we cannot read: {e.Message}", e);
        }

        return _derivation.Derive(info, timestampMs);
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    public void Dispose() => _client.Dispose();
}
