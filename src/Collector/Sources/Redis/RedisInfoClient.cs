using System.Net;
using StackExchange.Redis;
using X0tta6bl4.Ops.Collector.Configuration;

namespace X0tta6bl4.Ops.Collector.Sources.Redis;

/// <summary>
/// Asks one Redis for <c>INFO all</c> over a single multiplexer kept for the life of the source: one
/// connection and one AUTH instead of one per poll, so the watched server's connection counters show
/// its application, not us. The multiplexer reconnects by itself after Redis restarts.
/// </summary>
public sealed class RedisInfoClient : IAsyncDisposable, IDisposable
{
    private readonly ConfigurationOptions _config;
    private readonly EndPoint _server;
    private readonly Lock _lock = new();
    private Task<ConnectionMultiplexer>? _connecting;
    private bool _disposed;

    // Why the connection last dropped: a command failing while the multiplexer reconnects may not say.
    private volatile Exception? _lastFailure;

    public RedisInfoClient(RedisSourceOptions options)
    {
        var (host, port) = RedisDerivation.ParseEndpoint(options.Endpoint);
        Endpoint = options.Endpoint;
        _server = IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
        // A first poll connects and then asks INFO, inside the poll's timeout: half each, so a refused
        // connection is reported with its reason before the poll gives up waiting.
        var halfTimeoutMs = options.TimeoutSeconds * 500;
        _config = new ConfigurationOptions
        {
            EndPoints = { _server },
            User = string.IsNullOrEmpty(options.User) ? null : options.User,
            Password = string.IsNullOrEmpty(options.Password) ? null : options.Password,
            Ssl = options.Tls,
            SslHost = options.Tls ? host : null,
            // Until the first connect succeeds each poll makes one attempt that fails with its reason (refused
            // password, untrusted certificate, connection refused). With AbortOnConnectFail off the library
            // returns a disconnected multiplexer instead, and the first INFO's error lost that reason in about
            // half of our TLS and password test runs. Once connected, the multiplexer reconnects by itself.
            AbortOnConnectFail = true,
            ConnectTimeout = halfTimeoutMs,
            SyncTimeout = halfTimeoutMs,
            AsyncTimeout = halfTimeoutMs,
            // One attempt per first connect: the default three wait a ConnectTimeout each after a refused AUTH.
            ConnectRetry = 1,
            // While disconnected, INFO fails at once with the reason instead of queueing until the poll times out.
            BacklogPolicy = BacklogPolicy.FailFast,
            // Reconnect attempts at least once per poll interval, so a poll after a restart finds the connection back.
            ReconnectRetryPolicy = new ExponentialRetry(500, Math.Max(1000, options.IntervalSeconds * 1000)),
            // The library counts INFO among the admin commands (IServer refuses it otherwise); we send nothing else.
            AllowAdmin = true,
            ClientName = "x0tta6bl4-collector",
            // We only read INFO from one server: no pub/sub connection for configuration broadcasts, no
            // tie-breaker key, and none of the handshake's topology probes (ECHO, CLUSTER, CONFIG), so a
            // monitoring ACL user needs +info +ping and no key or channel permissions.
            ConfigurationChannel = "",
            TieBreaker = "",
            CommandMap = CommandMap.Create(["ECHO", "CLUSTER", "CONFIG"], available: false),
        };
        if (options.Tls && !string.IsNullOrEmpty(options.TlsCaFile))
        {
            _config.TrustIssuer(options.TlsCaFile);
        }
    }

    /// <summary>host:port, for messages; never the password.</summary>
    public string Endpoint { get; }

    public async Task<string> InfoAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The library takes no cancellation token; the poll's token bounds our wait (the connect goes on
            // for the next poll, which awaits the same task).
            var redis = await Connect().WaitAsync(cancellationToken);
            var text = await redis.GetServer(_server).InfoRawAsync("all").WaitAsync(cancellationToken);
            return text ?? throw new SourceException($"Redis at {Endpoint} answered INFO with a null reply.");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw RedisFailure.Describe(Endpoint, _config, e, _lastFailure);
        }
    }

    /// <summary>
    /// The multiplexer, made on the first poll that reaches Redis and kept from then on, connected or
    /// not; a failed connect is tried again by the next poll.
    /// </summary>
    private Task<ConnectionMultiplexer> Connect()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync();
            }

            return _connecting;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(_config);
        redis.ConnectionFailed += (_, args) => _lastFailure = args.Exception;
        redis.ConnectionRestored += (_, _) => _lastFailure = null;
        return redis;
    }

    private Task<ConnectionMultiplexer>? TakeForDisposal()
    {
        lock (_lock)
        {
            _disposed = true;
            var connecting = _connecting;
            _connecting = null;
            return connecting;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (TakeForDisposal() is { } connecting)
        {
            try
            {
                await (await connecting).DisposeAsync();
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Never connected: nothing to close.
            }
        }
    }

    public void Dispose()
    {
        // A connect still running is closed when it completes; a sync Dispose does not wait for the network.
        TakeForDisposal()?.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
    }
}
