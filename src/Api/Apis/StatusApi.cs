namespace X0tta6bl4.Ops.Api.Apis;

public static class StatusApi
{
    private static readonly DateTimeOffset StartedAt = DateTimeOffset.UtcNow;

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/status", (TimeProvider time) => TypedResults.Ok(new
        {
            service = "x0tta6bl4-mesh-api",
            version = typeof(StatusApi).Assembly.GetName().Version?.ToString(),
            startedAt = StartedAt,
            uptimeSeconds = (time.GetUtcNow() - StartedAt).TotalSeconds,
        }));
        return app;
    }
}
