using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Diagnostics;
using X0tta6bl4.Ops.Dashboard.QueryApi;

namespace X0tta6bl4.Ops.Dashboard.Hosting;

/// <summary>
/// What a client sees when a request fails outside Development: the query API's envelope, a plain error page for
/// a browser, a ProblemDetails for anything else — the exception itself only in the log (the middleware logs it).
/// Nothing is re-executed: a re-run through the pages would meet the sign-in redirect and the form checks again.
/// </summary>
internal sealed class DashboardExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var store = QueryApiLimits.IsStoreFailure(exception);
        var status = store ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        if (QueryApiLimits.IsQueryApi(context))
        {
            await PromResponses.WriteErrorAsync(context, store ? "unavailable" : "internal",
                store ? "the metric store could not be read; the dashboard's log has the reason" : "the query failed; the dashboard's log has the reason", status);
            return true;
        }

        var requestId = Activity.Current?.Id ?? context.TraceIdentifier;
        context.Response.StatusCode = status;
        if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync($"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Error · x0tta6bl4 Ops</title></head>
                <body><h1>Something went wrong</h1>
                <p>{(store ? "The metric store could not be read." : "An error occurred while processing your request.")}
                The dashboard's log has the details (request {WebUtility.HtmlEncode(requestId)}).</p>
                <p><a href="/">Back to the overview</a></p></body></html>
                """, cancellationToken);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = store ? "The metric store could not be read." : "An error occurred while processing your request.",
                Extensions = { ["requestId"] = requestId },
            },
        });
    }
}
