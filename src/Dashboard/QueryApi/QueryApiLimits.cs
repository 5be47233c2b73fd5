using System.Data.Common;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>
/// What protects the process from the query API's clients: a request timeout, concurrency limits (per client, then
/// over all clients; the pages read the store outside them, so a heavy script cannot starve them), and every failure
/// answered in Prometheus's envelope without internals.
/// </summary>
public static class QueryApiLimits
{
    public const string TimeoutPolicy = "query-api";

    public static IServiceCollection AddQueryApiLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<QueryApiOptions>().Bind(configuration.GetSection(QueryApiOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueryApiOptions>, QueryApiOptionsValidator>());

        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<QueryApiOptions>>((o, api) =>
        {
            var seconds = api.Value.TimeoutSeconds;
            o.AddPolicy(TimeoutPolicy, new RequestTimeoutPolicy
            {
                Timeout = TimeSpan.FromSeconds(seconds),
                TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
                WriteTimeoutResponse = context => PromResponses.WriteErrorAsync(context, "timeout",
                    $"query timed out after {seconds:0.#} s (QueryApi:TimeoutSeconds)", StatusCodes.Status503ServiceUnavailable),
            });
        });

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<QueryApiOptions>>((o, api) =>
        {
            var limits = api.Value;
            ConcurrencyLimiterOptions Slots(int permits) => new() { PermitLimit = permits, QueueLimit = limits.QueueLimit, QueueProcessingOrder = QueueProcessingOrder.OldestFirst };
            // Per client first: a client waiting for its own slot must not hold one of everyone's.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(c => IsQueryApi(c)
                    ? RateLimitPartition.GetConcurrencyLimiter(ClientOf(c), _ => Slots(limits.MaxConcurrentPerClient))
                    : RateLimitPartition.GetNoLimiter(string.Empty)),
                PartitionedRateLimiter.Create<HttpContext, string>(c => IsQueryApi(c)
                    ? RateLimitPartition.GetConcurrencyLimiter("all", _ => Slots(limits.MaxConcurrent))
                    : RateLimitPartition.GetNoLimiter(string.Empty)));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                return new ValueTask(PromResponses.WriteErrorAsync(context.HttpContext, "unavailable",
                    "too many queries at once (QueryApi:MaxConcurrent, QueryApi:MaxConcurrentPerClient); retry shortly", StatusCodes.Status429TooManyRequests));
            };
        });
        return services;
    }

    /// <summary>The query API's paths; the remote-write receiver (/api/v1/write) has limits of its own.</summary>
    public static bool IsQueryApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api/v1") && !context.Request.Path.StartsWithSegments(RemoteWrite.RemoteWriteEndpoint.Path);

    /// <summary>The signed-in user, or the address of a client that has not signed in.</summary>
    private static string ClientOf(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } ? "user:" + name : "address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>
    /// Turns what a handler throws into Prometheus's envelope: the request's fault as bad_data, the store's as
    /// unavailable, anything else as internal — the reason is logged, never sent. A timeout is left to the
    /// request-timeout middleware, which answers with its own envelope.
    /// </summary>
    public static async ValueTask<object?> CatchErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
        {
            return PromResponses.Error("bad_data", "the request body is not a readable form");
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return PromResponses.Error("timeout", "a label regex took too long to match", StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception e)
        {
            var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(QueryApiEndpoints));
            logger.LogError(e, "Query API request {Path} failed", http.Request.Path.Value);
            return IsStoreFailure(e)
                ? PromResponses.Error("unavailable", "the metric store could not be read; the dashboard's log has the reason", StatusCodes.Status503ServiceUnavailable)
                : PromResponses.Error("internal", "the query failed; the dashboard's log has the reason", StatusCodes.Status500InternalServerError);
        }
    }

    public static bool IsStoreFailure(Exception e) =>
        e is DbException or TimeoutException or System.Net.Sockets.SocketException || (e.InnerException is { } inner && IsStoreFailure(inner));
}
