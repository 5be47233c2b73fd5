using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.RemoteWrite;
using X0tta6bl4.Ops.Dashboard.QueryApi;

namespace X0tta6bl4.Ops.Dashboard.RemoteWrite;

/// <summary>
/// <c>POST /api/v1/write</c>: Prometheus Remote-Write 1.0. 204 once the push is in the collector's write buffer (and
/// its spool); 400/413/415 for a body Prometheus should not send again (it does not retry 4xx); 503 + Retry-After
/// while the buffer is full (it retries 5xx). Errors are plain text, as Prometheus logs the body it gets back.
/// </summary>
public static class RemoteWriteEndpoint
{
    public const string Path = "/api/v1/write";

    public static IEndpointRouteBuilder MapRemoteWrite(this IEndpointRouteBuilder app)
    {
        // From configuration, as AddRemoteWriteIngest decides: the options are validated at start, after mapping.
        if (RemoteWriteOptions.IsEnabled(app.ServiceProvider.GetRequiredService<IConfiguration>()))
        {
            app.MapPost(Path, WriteAsync).DisableAntiforgery().RequireAuthorization(RemoteWriteAuth.Policy);
        }

        return app;
    }

    private static async Task<IResult> WriteAsync(HttpContext context, RemoteWriteIngest ingest, IOptions<RemoteWriteOptions> options, ILogger<RemoteWriteIngest> logger)
    {
        var o = options.Value;
        var request = context.Request;
        if (!string.Equals(request.Headers.ContentEncoding, "snappy", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse("malformed", StatusCodes.Status415UnsupportedMediaType, "Content-Encoding must be snappy (Prometheus Remote-Write 1.0)");
        }

        // Remote-Write 2.0 says proto=io.prometheus.write.v2.Request; 1.0 sends none, or prometheus.WriteRequest.
        var contentType = request.ContentType ?? "";
        if (!contentType.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase) || (contentType.Contains("proto=", StringComparison.OrdinalIgnoreCase) && !contentType.Contains("proto=prometheus.WriteRequest", StringComparison.OrdinalIgnoreCase)))
        {
            return Refuse("malformed", StatusCodes.Status415UnsupportedMediaType, $"Content-Type must be application/x-protobuf with a prometheus.WriteRequest (Remote-Write 1.0), not '{contentType}'");
        }

        if (request.ContentLength > o.MaxBodyBytes)
        {
            return Refuse("too_large", StatusCodes.Status413PayloadTooLarge, $"the body is {request.ContentLength} bytes, more than RemoteWrite:MaxBodyBytes ({o.MaxBodyBytes})");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = o.MaxBodyBytes + 1L;
        }

        using var body = await ReadAsync(request, o.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return Refuse("too_large", StatusCodes.Status413PayloadTooLarge, $"the body is more than RemoteWrite:MaxBodyBytes ({o.MaxBodyBytes}) bytes");
        }

        IReadOnlyList<PushedSeries> series;
        try
        {
            series = WriteRequestDecoder.Decode(body.WrittenSpan, o.MaxDecodedBytes);
        }
        catch (RemoteWriteFormatException e)
        {
            logger.LogWarning("A remote-write push from {Address} was refused: {Error}", context.Connection.RemoteIpAddress, e.Message);
            return e.TooLarge
                ? Refuse("too_large", StatusCodes.Status413PayloadTooLarge, e.Message)
                : Refuse("malformed", StatusCodes.Status400BadRequest, e.Message);
        }

        var result = ingest.Accept(series, body.WrittenSpan);
        if (!result.Accepted)
        {
            context.Response.Headers.RetryAfter = o.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Refuse("full", StatusCodes.Status503ServiceUnavailable,
                $"the write buffer toward the store holds RemoteWrite:BufferLimit ({o.BufferLimit}) samples or more; retry after {o.RetryAfterSeconds} s");
        }

        RemoteWriteMetrics.Default.Requests.WithLabels("accepted").Inc();
        return TypedResults.NoContent();
    }

    private static IResult Refuse(string outcome, int status, string message)
    {
        RemoteWriteMetrics.Default.Requests.WithLabels(outcome).Inc();
        return TypedResults.Text(message + "\n", "text/plain; charset=utf-8", statusCode: status);
    }

    /// <summary>The body in a pooled buffer (the caller disposes it), or null when it is longer than <paramref name="max"/>.</summary>
    private static async Task<PooledBufferWriter?> ReadAsync(HttpRequest request, int max, CancellationToken ct)
    {
        var body = new PooledBufferWriter((int)Math.Min(request.ContentLength ?? 64 * 1024, max) + 1);
        try
        {
            int read;
            while (body.WrittenSpan.Length <= max && (read = await request.Body.ReadAsync(body.GetMemory(), ct)) > 0)
            {
                body.Advance(read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit, set just above ours.
            body.Dispose();
            return null;
        }
        catch
        {
            body.Dispose();
            throw;
        }

        if (body.WrittenSpan.Length > max)
        {
            body.Dispose();
            return null;
        }

        return body;
    }
}
