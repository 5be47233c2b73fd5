using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using X0tta6bl4.Ops.Api.Data;

namespace X0tta6bl4.Ops.Api.Apis;

/// <summary>Turns a database outage into a clear 503 and a duplicate into a 409, as problem details.</summary>
public sealed class DatabaseUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ConflictException e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            NpgsqlException or TimeoutException => (StatusCodes.Status503ServiceUnavailable, "Database unavailable",
                "PostgreSQL cannot be reached or did not answer in time; retry shortly."),
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
        }

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }
}
