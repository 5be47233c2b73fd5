using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using X0tta6bl4.Ops.Collector.Configuration;

namespace X0tta6bl4.Ops.Collector.Sources.Prometheus;

/// <summary>
/// The one resilience pipeline of requests to Prometheus, used by the "prometheus" named HttpClient and
/// by clients made outside the container (<see cref="CreateClient"/>). Outermost first: a total timeout
/// of Sources:Prometheus:TimeoutSeconds, retries of transient failures, a circuit breaker, and a timeout
/// per attempt, so one hung attempt leaves time for another.
/// </summary>
public static class PrometheusHttp
{
    public const string ClientName = "prometheus";

    /// <summary>First retry after about 200 ms, then 400 ms, 800 ms … with jitter, as the hand-written loop had (without jitter).</summary>
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(200);

    // The breaker opens when half of at least six requests in a minute failed: two polls' worth of a
    // query tried three times against a Prometheus that is down. Open, it fails requests at once for
    // 10 s instead of queueing retries against a server that cannot answer.
    private const double BreakerFailureRatio = 0.5;
    private const int BreakerMinimumThroughput = 6;
    private static readonly TimeSpan BreakerSamplingDuration = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan BreakerBreakDuration = TimeSpan.FromSeconds(10);

    /// <summary>The time one attempt may take: the total shared by the attempts.</summary>
    public static TimeSpan AttemptTimeout(PrometheusSourceOptions options) =>
        TimeSpan.FromSeconds((double)options.TimeoutSeconds / Math.Max(1, options.Attempts));

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, PrometheusSourceOptions options, TimeProvider time)
    {
        builder.TimeProvider = time;
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) });
        if (options.Attempts > 1)
        {
            // HttpRetryStrategyOptions retries what is transient: HttpRequestException, a timed-out attempt,
            // 5xx, 408 and 429 (honouring Retry-After). A 400 (bad_data) is our query's fault and comes back at once.
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.Attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = FirstRetryDelay,
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = BreakerFailureRatio,
            MinimumThroughput = BreakerMinimumThroughput,
            SamplingDuration = BreakerSamplingDuration,
            BreakDuration = BreakerBreakDuration,
        });
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = AttemptTimeout(options) });
    }

    /// <summary>Registers the "prometheus" named HttpClient with this pipeline, from the validated Sources:Prometheus options.</summary>
    public static IHttpClientBuilder AddPrometheusHttpClient(this IServiceCollection services)
    {
        // The configured headers carry tokens: whatever logs requests shows none of their values.
        var client = services.AddHttpClient(ClientName).RedactLoggedHeaders(_ => true);
        client.AddResilienceHandler(ClientName, (builder, context) => Configure(
            builder,
            context.ServiceProvider.GetRequiredService<IOptions<SourcesOptions>>().Value.Prometheus,
            context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System));
        return client;
    }

    /// <summary>An HttpClient for <paramref name="options"/>'s Url over the same pipeline, for tests and tools outside the container.</summary>
    public static HttpClient CreateClient(PrometheusSourceOptions options, TimeProvider? time = null, HttpMessageHandler? inner = null)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        Configure(builder, options, time ?? TimeProvider.System);
        var handler = new ResilienceHandler(builder.Build()) { InnerHandler = inner ?? new SocketsHttpHandler() };
        return WithBaseAddress(new HttpClient(handler), options);
    }

    /// <summary>
    /// The base address of the API (the Url with a trailing slash, so relative paths append under a path prefix
    /// such as Mimir's /prometheus, with or without the slash configured) and the configured headers. The total
    /// timeout lives in the pipeline; HttpClient's own is lifted so it cannot cut the pipeline short.
    /// </summary>
    public static HttpClient WithBaseAddress(HttpClient client, PrometheusSourceOptions options)
    {
        client.BaseAddress = new Uri(options.Url.TrimEnd('/') + "/");
        client.Timeout = Timeout.InfiniteTimeSpan;
        X0tta6bl4.Ops.Metrics.Settings.HeaderSettings.Apply(client.DefaultRequestHeaders, options.Headers);

        return client;
    }
}
