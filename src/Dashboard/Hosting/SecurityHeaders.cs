namespace X0tta6bl4.Ops.Dashboard.Hosting;

/// <summary>Browser-side protection on every response: what may load, who may frame us, what a referrer tells.</summary>
public static class SecurityHeaders
{
    // Blazor Server, MudBlazor and Plotly run from our own origin. Styles need 'unsafe-inline': MudBlazor and Plotly
    // set style attributes and inject <style> elements at run time. 'self' covers the circuit's WebSocket (CSP 3).
    // data: images are Plotly's modebar icons.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // Set when the response starts: the exception handler clears headers set earlier.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                return Task.CompletedTask;
            });
            return next();
        });
}
