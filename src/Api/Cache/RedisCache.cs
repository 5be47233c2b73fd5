using System.Text.Json;
using StackExchange.Redis;
using X0tta6bl4.Ops.Api.Telemetry;

namespace X0tta6bl4.Ops.Api.Cache;

/// <summary>
/// Cache-aside over Redis that never fails a request: when Redis is unreachable a lookup counts as an
/// error and the value comes from PostgreSQL; the multiplexer reconnects by itself, so caching resumes
/// when Redis returns. Writes invalidate; a write made while Redis was down may leave an entry stale for
/// at most its TTL.
/// </summary>
public sealed class RedisCache : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConnectionMultiplexer? _redis;
    private readonly string _prefix;
    private readonly ILogger<RedisCache> _logger;

    public RedisCache(string? connectionString, CacheOptions options, ILogger<RedisCache> logger)
    {
        _prefix = options.KeyPrefix;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return; // No Redis configured: every lookup goes to PostgreSQL.
        }

        var config = ConfigurationOptions.Parse(connectionString);
        config.AbortOnConnectFail = false; // start even when Redis is down, and reconnect in the background
        config.ConnectTimeout = 2000;
        config.SyncTimeout = 1000;
        config.AsyncTimeout = 1000;
        _redis = ConnectionMultiplexer.Connect(config);
    }

    public bool IsConfigured => _redis is not null;

    public async Task<bool> PingAsync()
    {
        if (_redis is null)
        {
            return false;
        }

        try
        {
            await _redis.GetDatabase().PingAsync();
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>
    /// Returns the cached JSON of a value, or loads it, serializes it and caches it. The JSON is passed
    /// through as is: a hit costs one Redis round trip and no (de)serialization.
    /// </summary>
    /// <returns>null when <paramref name="load"/> finds nothing.</returns>
    public async Task<string?> GetOrLoadJsonAsync<T>(string cache, string key, TimeSpan ttl, Func<Task<T?>> load)
        where T : class
    {
        if (_redis is null)
        {
            return Serialize(await load());
        }

        var fullKey = _prefix + key;
        try
        {
            var cached = await _redis.GetDatabase().StringGetAsync(fullKey);
            if (cached.HasValue)
            {
                ApiMetrics.CacheRequests.WithLabels(cache, "hit").Inc();
                return cached.ToString();
            }

            ApiMetrics.CacheRequests.WithLabels(cache, "miss").Inc();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            ApiMetrics.CacheRequests.WithLabels(cache, "error").Inc();
            _logger.LogDebug("Cache read failed ({Error}); reading from the database.", e.Message);
            return Serialize(await load());
        }

        var json = Serialize(await load());
        if (json is not null)
        {
            try
            {
                await _redis.GetDatabase().StringSetAsync(fullKey, json, ttl);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                _logger.LogDebug("Cache write failed ({Error}).", e.Message);
            }
        }

        return json;
    }

    private static string? Serialize<T>(T? value) where T : class =>
        value is null ? null : JsonSerializer.Serialize(value, Json);

    public async Task InvalidateAsync(params string[] keys)
    {
        if (_redis is null)
        {
            return;
        }

        try
        {
            await _redis.GetDatabase().KeyDeleteAsync(keys.Select(k => (RedisKey)(_prefix + k)).ToArray());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            _logger.LogDebug("Cache invalidation failed ({Error}); entries expire by TTL.", e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
